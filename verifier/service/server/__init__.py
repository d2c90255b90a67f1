"""How ``verifier serve`` runs the service: uvicorn, its processes and its socket-level tuning.

None of this is the API (that is ``verifier.service``: endpoints, schemas, answers); it is
the server around it. ``run`` starts uvicorn with the application factory, ``workers``
supervises several processes with a socket each, ``coalesce`` is uvicorn's httptools protocol
with a connection's writes coalesced (and JSON 400 answers), and ``protocol`` chooses it only
when uvicorn's internal class still has the shape it was written against.
"""
