"""The .xlsx wing: the only code that reads or writes workbooks (openpyxl, zip, XML).

contract   the plan workbook contract as data (sheets, columns, Project fields)
package    the Office package layer: zip and XML checks before any parser, bounded reads, byte-identical packages
guard      refuses what openpyxl must not be handed, then opens it
reader     .xlsx -> Plan and located findings
new        the ready-to-fill workbook (``implan new``)
filled     the filled workbook (computed columns, Summary)
review_rows  the Review sheet editor (``implan collect``), editing that part of the package only
"""
