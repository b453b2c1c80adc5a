"""The sales pipeline: leads and their conversion, deals, pipelines and stages, interactions and
tasks.
"""
