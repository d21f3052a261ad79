"""Talking to SPARQL 1.1 servers: the HTTP client (``client``), results as terms
(``results``) and writing a graph to a server one named graph per file (``push``)."""
