"""Loading the address register and the district boundaries from files: OpenStreetMap
extracts and the municipality's (or Lantmäteriet's) CSV for addresses, GeoJSON for
boundaries. The management commands `addresses_import` and `districts_import` are thin
wrappers around `runner.address_import` and `districts.districts_import`."""
