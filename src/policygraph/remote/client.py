"""An HTTP client for SPARQL 1.1 servers: Query, Update and the Graph Store HTTP Protocol.

Built on ``urllib`` alone. Credentials come from the environment
(``POLICYGRAPH_ENDPOINT_USER`` and ``POLICYGRAPH_ENDPOINT_PASSWORD``) or from ``~/.netrc``
(``$NETRC`` names another file), never from a command line; HTTP basic and digest
authentication both work. Connection resets, refusals and 5xx answers are retried with
exponential backoff; a request that takes longer than ``timeout`` seconds in all raises
:class:`EndpointTimeoutError` at once (retrying a slow query would only make it slower). Every
failure is an :class:`EndpointError` naming the URL and, when there was an answer, its status.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import EndpointError, EndpointTimeoutError

__all__ = ["SparqlClient", "credentials"]

USER_VARIABLE = "POLICYGRAPH_ENDPOINT_USER"
PASSWORD_VARIABLE = "POLICYGRAPH_ENDPOINT_PASSWORD"  # noqa: S105 (a variable's name)
RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
_CHUNK = 1 << 16
# Failures worth another try: the server went away or was restarted between requests.
_TRANSIENT = (
    ConnectionResetError,
    ConnectionRefusedError,
    ConnectionAbortedError,
    BrokenPipeError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
)
_STATUS_HINTS = {
    401: "the server wants credentials (set POLICYGRAPH_ENDPOINT_USER and "
    "POLICYGRAPH_ENDPOINT_PASSWORD, or add the host to ~/.netrc)",
    403: "the server refuses this request for these credentials",
    404: "nothing answers at this URL (is it the server's SPARQL endpoint?)",
}


def credentials(url: str) -> tuple[str, str] | None:
    """The user name and password for ``url``: from the environment, else from the netrc
    file's entry for the URL's host; None when neither has any."""
    user = os.environ.get(USER_VARIABLE)
    if user:
        return user, os.environ.get(PASSWORD_VARIABLE, "")
    import netrc

    path = os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not os.path.isfile(path):
        return None
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        raise EndpointError(url, f"cannot read the credentials in {path}: {exc}") from exc
    if entry is None:
        return None
    login, _, password = entry
    return login, password or ""


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    max_rows: int | None = None  # Virtuoso's X-SPARQL-MaxRows: where it cuts answers off


class SparqlClient:
    """Talks to one server: ``query_url`` for queries, ``update_url`` for updates (default: the
    query URL) and ``graph_store_url`` for the Graph Store Protocol (optional)."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        *,
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 0.25,
    ) -> None:
        for url in (query_url, update_url, graph_store_url):
            if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise EndpointError(url, "not an http or https URL")
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.graph_store_url = graph_store_url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._opener = self._build_opener()

    def __repr__(self) -> str:
        return f"SparqlClient({self.query_url!r})"

    def _build_opener(self) -> urllib.request.OpenerDirector:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        known = False
        for url in {self.query_url, self.update_url, self.graph_store_url} - {None}:
            found = credentials(str(url))
            if found is not None:
                manager.add_password(None, str(url), *found)
                known = True
        if not known:  # a 401 then reaches the caller as it is
            return urllib.request.build_opener()
        # Digest first: it declines a Basic challenge, which the basic handler then answers.
        return urllib.request.build_opener(
            urllib.request.HTTPDigestAuthHandler(manager),
            urllib.request.HTTPBasicAuthHandler(manager),
        )

    # ------------------------------------------------------------------ requests
    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        timeout: float | None = None,
        retry: bool = True,
    ) -> Response:
        """One HTTP request with retries (unless ``retry`` is False: a request that must not
        run twice); the answer's status, content type and body."""
        headers = {"User-Agent": "policygraph"}
        if content_type:
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        limit = self.timeout if timeout is None else timeout
        where = url.split("?", 1)[0]
        attempt = 0 if retry else self.retries
        while True:
            request = urllib.request.Request(url, data=body, headers=headers, method=method)
            deadline = time.monotonic() + limit
            try:
                with self._opener.open(request, timeout=limit) as answer:
                    data = _read(answer, deadline, where, limit)
                    limit_header = answer.headers.get("X-SPARQL-MaxRows", "")
                    return Response(
                        answer.status,
                        answer.headers.get("Content-Type", ""),
                        data,
                        int(limit_header) if limit_header.isdigit() else None,
                    )
            except urllib.error.HTTPError as exc:
                status = exc.code
                try:
                    detail = _read(exc, deadline, where, limit)
                except EndpointError:
                    detail = b""
                finally:
                    exc.close()
                if status >= 500 and attempt < self.retries:
                    attempt = self._pause(attempt)
                    continue
                raise EndpointError(where, _message(status, detail), status) from None
            except TimeoutError as exc:
                raise EndpointTimeoutError(where, f"no answer within {limit:g} s") from exc
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, TimeoutError):
                    raise EndpointTimeoutError(where, f"no answer within {limit:g} s") from exc
                if isinstance(reason, _TRANSIENT) and attempt < self.retries:
                    attempt = self._pause(attempt)
                    continue
                raise EndpointError(where, f"cannot reach the server: {_reason(reason)}") from exc
            except _TRANSIENT as exc:
                if attempt < self.retries:
                    attempt = self._pause(attempt)
                    continue
                raise EndpointError(where, f"the connection failed: {_reason(exc)}") from exc
            except OSError as exc:
                raise EndpointError(where, f"the connection failed: {_reason(exc)}") from exc
            except ValueError as exc:  # urllib's auth handlers: a scheme they do not know
                raise EndpointError(where, f"cannot authenticate: {exc}", 401) from exc

    def _pause(self, attempt: int) -> int:
        time.sleep(self.backoff * (2**attempt))
        return attempt + 1

    # ------------------------------------------------------------------ SPARQL
    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] = (),
        accept: str = RESULTS_JSON,
        timeout: float | None = None,
    ) -> Response:
        """POST a query (form-encoded, as every server takes it); the raw answer."""
        fields = [("query", sparql)] + [("default-graph-uri", g) for g in default_graphs]
        return self.request(
            "POST",
            self.query_url,
            body=urllib.parse.urlencode(fields).encode("utf-8"),
            content_type="application/x-www-form-urlencoded",
            accept=accept,
            timeout=timeout,
        )

    def results(
        self, sparql: str, *, default_graphs: Sequence[str] = (), timeout: float | None = None
    ) -> dict[str, Any]:
        """A SELECT or ASK query's answer as parsed SPARQL Results JSON."""
        answer = self.query(sparql, default_graphs=default_graphs, timeout=timeout)
        try:
            document = json.loads(answer.body)
        except (ValueError, UnicodeDecodeError):
            document = None
        if answer.max_rows is not None and isinstance(document, dict):
            rows = document.get("results", {}).get("bindings", [])
            if isinstance(rows, list) and len(rows) >= answer.max_rows:
                raise EndpointError(
                    self.query_url,
                    f"the server cut its answer off at {answer.max_rows} rows (Virtuoso's "
                    "[SPARQL] ResultSetMaxRows): raise that limit",
                    answer.status,
                )
        if not isinstance(document, dict) or not (
            isinstance(document.get("results"), dict) or "boolean" in document
        ):
            raise EndpointError(
                self.query_url,
                "the answer is not SPARQL results JSON "
                f"(content type {answer.content_type or 'none'!r}, "
                f"starting {answer.body[:60]!r})",
                answer.status,
            )
        return document

    def update(self, sparql: str, *, timeout: float | None = None) -> None:
        """Run a SPARQL Update request (form-encoded ``update=``)."""
        self.request(
            "POST",
            self.update_url,
            body=urllib.parse.urlencode({"update": sparql}).encode("utf-8"),
            content_type="application/x-www-form-urlencoded",
            timeout=timeout,
        )

    # ------------------------------------------------------------------ Graph Store Protocol
    def _graph_url(self, graph: str) -> str:
        if self.graph_store_url is None:
            raise EndpointError(self.query_url, "no Graph Store endpoint given (--graph-store)")
        separator = "&" if "?" in self.graph_store_url else "?"
        return self.graph_store_url + separator + urllib.parse.urlencode({"graph": graph})

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace ``graph`` with the N-Triples ``ntriples``."""
        self.request("PUT", self._graph_url(graph), body=ntriples, content_type=NTRIPLES)

    def post_graph(self, graph: str, ntriples: bytes) -> None:
        """Add the N-Triples ``ntriples`` to ``graph``. Not retried when they hold blank
        nodes: a server that stored them before failing would get them twice, as new nodes."""
        self.request(
            "POST",
            self._graph_url(graph),
            body=ntriples,
            content_type=NTRIPLES,
            retry=b"_:" not in ntriples,
        )


def _read(answer: Any, deadline: float, where: str, limit: float) -> bytes:
    """The whole body, or a timeout once ``deadline`` passes (a server that trickles bytes
    would otherwise reset the socket's per-read timeout for ever)."""
    parts: list[bytes] = []
    while True:
        if time.monotonic() > deadline:
            raise EndpointTimeoutError(where, f"no complete answer within {limit:g} s")
        chunk = answer.read(_CHUNK)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)


def _message(status: int, detail: bytes) -> str:
    hint = _STATUS_HINTS.get(status)
    text = " ".join(detail.decode("utf-8", "replace").split())[:200]
    if hint and text:
        return f"{hint}; the server says: {text}"
    if hint:
        return hint
    return f"the server says: {text}" if text else "the server gave no reason"


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


# Where the servers we know put their other endpoints, by the query endpoint's last segment.
_SIBLINGS = {"query": ("update", "store"), "sparql": ("sparql", "sparql-graph-crud")}


def sibling_endpoints(
    query_url: str, update_url: str | None = None, graph_store_url: str | None = None
) -> tuple[str, str | None]:
    """The update and Graph Store URLs: as given, else where Oxigraph (``/query``,
    ``/update``, ``/store``) or Virtuoso (``/sparql``, ``/sparql-graph-crud``) puts them when
    the query URL looks like theirs; else the query URL for updates and no Graph Store."""
    parts = urllib.parse.urlsplit(query_url)
    head, _, last = parts.path.rpartition("/")
    known = _SIBLINGS.get(last)

    def beside(name: str) -> str:
        return urllib.parse.urlunsplit(parts._replace(path=f"{head}/{name}", query=""))

    update = update_url or (beside(known[0]) if known else query_url)
    store = graph_store_url or (beside(known[1]) if known else None)
    return update, store
