"""Load tests of an exam on loopback: seeding, gunicorn, locust, and the saves checker."""
