# Sourced by the cmd of each case under tests/geo/cases/: makes the test
# databases from tests/geo/networks.txt in the case's directory and copies
# the log of clients beside them.
geo=$SRCDIR/tests/geo
python3 "$geo/mmdbwrite.py" "$geo/networks.txt" country.mmdb || exit 99
python3 "$geo/mmdbwrite.py" --city --type GeoLite2-City "$geo/networks.txt" city.mmdb || exit 99
cp "$geo/clients.log" clients.log
