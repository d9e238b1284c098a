FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --create-home --uid 1000 app \
    && apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY interviewprep ./interviewprep
COPY accounts ./accounts
COPY teams ./teams
COPY questions ./questions
COPY sessions ./sessions
COPY reports ./reports
RUN pip install .
COPY . .

# Static files are collected at build time; whitenoise serves them from gunicorn.
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput

USER app
EXPOSE 8000
CMD ["gunicorn", "interviewprep.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
