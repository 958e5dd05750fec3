"""Reading tables from the files people have: CSV (comma, semicolon or tab separated;
UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252) and Excel workbooks (XLSX).

Not a Django app and without models: every app may use it (imports of contacts today;
other tables tomorrow). It imports no app of ours. See `tabular.reading`.
"""
