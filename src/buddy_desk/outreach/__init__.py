"""The proactive approach: NCG addresses without a damage report as an outreach worklist,
phased by criteria, with contact attempts and outcomes per address and a letter run."""
