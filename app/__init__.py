"""Rolodeck's Qt-free core: the domain vocabulary and the use cases."""
