from tests.smtp_support import smtp  # noqa: F401  (the loopback SMTP server fixture)
