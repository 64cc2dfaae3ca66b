"""Termijnen: what is overdue or due soon, on a page and for a daily cron job; reminders."""
