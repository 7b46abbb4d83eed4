/* render_json.c — placeholder */
