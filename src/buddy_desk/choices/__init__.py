"""The choice log on paper and in files: labels, the PDF overview, receipts, CSV (Qt-free)."""
