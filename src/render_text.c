/* render_text.c — placeholder */
