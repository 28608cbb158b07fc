# One image for every role (API, workers, migrations; the moderator app later): the command picks the role.
FROM python:3.11.14-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng \
      libtesseract-dev libleptonica-dev pkg-config build-essential libgl1 libglib2.0-0 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pipeline pipeline
COPY workers workers
COPY models models
COPY cli cli
COPY samples samples
COPY benchmarks benchmarks
COPY declarations declarations
COPY ledger ledger
COPY webapp webapp
RUN pip install --no-cache-dir .
ENV RECEIPTS_DATA_DIR=/data OMP_THREAD_LIMIT=1
VOLUME ["/data"]
EXPOSE 8000
CMD ["receipts", "--help"]
