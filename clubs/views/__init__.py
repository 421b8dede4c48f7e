"""Pages of the clubs, one module by audience: `clubs` (a member's pages: directory, club page,
members, joining and leaving), `invitation_link` (the link of an invitation), `moderation` (a
club's moderators) and `staff` (the GIP staff). `clubs/urls.py` names each view by its module.
Each view parses, asks `clubs.access`, calls one action, and says what it did."""
