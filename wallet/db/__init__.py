"""The wallet's tables and how they are stored."""
