"""What every HTTP face shares (HTTP 共用层): who may call what (access), the signed-in
user and the request's database session (deps), database slots (limits), bounded uploads
(uploads) and the hardening middleware. The API (``renshe.api``) and the web pages
(``renshe.web``) both stand on it; ``renshe.app`` mounts them."""
