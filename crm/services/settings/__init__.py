"""What a tenant configures: reference lists, CRM preferences, and the configuration as one
document.
"""
