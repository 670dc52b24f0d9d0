"""The kitchen-table view: the whole picture for the resident, in plain Dutch (B1).

``rules`` decides what the resident is shown (pure); ``service`` gathers it through the
consent gate; ``handout`` lays the same content out for printing.
"""
