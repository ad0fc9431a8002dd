#!/bin/sh
# The demo image's program (tinyforge-demo/web): a page saying which image tag and which
# Project slot answer, served on 127.0.0.1:$PORT. The tag is baked into the image.
mkdir -p /tmp/www
tag=$(cat /app/tag)
cat > /tmp/www/index.html <<PAGE
<!doctype html>
<title>tinyforge demo</title>
<h1>${GREETING:-Hello from tinyforge}</h1>
<p>image tag <b>$tag</b>, stage <b>${TINYFORGE_STAGE:-none}</b>, slot <b>${TINYFORGE_SLOT:-none}</b></p>
PAGE
exec httpd -f -p "127.0.0.1:${PORT:-8080}" -h /tmp/www
