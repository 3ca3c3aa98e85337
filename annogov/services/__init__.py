"""Program services the app and the command share: scoring, reporting, SLA checks kept in the
store, uploads and the demo program.
"""
