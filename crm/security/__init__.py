"""Roles, tenancy and masking: who may see and change what."""
