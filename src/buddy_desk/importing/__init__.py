"""Reading the organisations' CSV exports (NCG address file, IMG case file), Qt-free.

``read_ncg_export`` / ``read_img_export`` turn a file's bytes into typed rows plus a list of
rejected rows (line, field, reason); a file that is not such an export is refused as a whole
with ``ExportRefused``. ``spreadsheet.write_csv`` writes lists Dutch Excel opens correctly.
"""
