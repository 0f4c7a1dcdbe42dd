# One image for the three services; docker-compose.yml picks the command per service.
# Builds from this repository alone; no secrets are baked in (see .env.example).
# The base image by tag (readable) unless a digest is given: docker-compose.yml passes
# PYTHON_IMAGE from .env, e.g. python:3.11-slim@sha256:<digest> (docs/production.md,
# "Pinning the base images by digest").
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 app

# The whole dependency tree from the lock file, every file checked against its hash (see
# docs/production.md, "Lock file"); its own layer, so a code change does not reinstall it.
COPY requirements/runtime.txt ./requirements/runtime.txt
RUN pip install --require-hashes -r requirements/runtime.txt

COPY pyproject.toml README.md ./
COPY credentials ./credentials
COPY qualifications ./qualifications
COPY issuer ./issuer
COPY wallet ./wallet
COPY verifier ./verifier
COPY web_common ./web_common
COPY devstack ./devstack
COPY schemas ./schemas
COPY migrations ./migrations
# Editable install, nothing more from the index: the services find schemas/ and migrations/
# beside their packages.
RUN pip install --no-deps --no-build-isolation -e . && chown -R app /app

USER app
EXPOSE 8001 8002 8003
CMD ["python", "-m", "issuer", "serve", "--host", "0.0.0.0", "--port", "8001"]
