"""Minutes of the review meeting and the cover letter (tờ trình) as Decree 30 PDFs (Celery)."""
