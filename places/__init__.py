"""Places: districts with their boundaries, the address register, and finding an address.

Below matching and helpdesk, beside notifications: it knows nothing of residents,
volunteers or requests, only where things are.
"""
