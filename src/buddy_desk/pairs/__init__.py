"""The buddy-pair desk: a coordinator couples and re-couples the IMG zaakbegeleider and the
NCG bewonersbegeleider per dossier, with a history, notices to the buddies and a workload
view; new dossiers get a pair proposed from workload and area."""
