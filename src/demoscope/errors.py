"""Errors are types: one hierarchy, mapped once to CLI exit codes and once to HTTP problems.

Every error carries enough context (field, value, allowed values, file and line) for a user to
fix the input without reading a traceback.
"""

from __future__ import annotations


class DemoscopeError(Exception):
    """Base of every error demoscope raises on purpose. ``exit_code`` is the CLI exit status."""

    exit_code = 1
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None, where: str | None = None):
        self.message = message
        self.field = field
        self.where = where
        super().__init__(self.__str__())

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.message}"


class ConfigError(DemoscopeError):
    """A setting or a methodology file is wrong."""

    exit_code = 2


class MethodologyError(ConfigError):
    """A methodology file cannot be read into a valid methodology."""


class DatabaseError(ConfigError):
    """The configured database cannot be used as asked: unknown driver, cannot connect, not a
    demoscope database, corrupt, read-only, busy, or at a schema revision this demoscope does
    not know. Nothing was written."""

    exit_code = 9
    http_status = 503


class InvalidRating(DemoscopeError):
    """A rating value, category or edition that the methodology does not allow."""

    exit_code = 3
    http_status = 422


class UnknownCountry(DemoscopeError):
    """A country name, code or alias that resolves to nothing; carries close suggestions."""

    exit_code = 4
    http_status = 404

    def __init__(self, name: str, suggestions: list[str] | None = None):
        self.name = name
        self.suggestions = suggestions or []
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown country {name!r}.{hint}", field="country")


class UnknownEdition(DemoscopeError):
    """An edition year the methodology (or the database) does not have."""

    exit_code = 4
    http_status = 404


class NotFound(DemoscopeError):
    """Something asked for is not in the database."""

    exit_code = 4
    http_status = 404


class ConflictError(DemoscopeError):
    """A value that conflicts with what the database holds; never silently overwritten."""

    exit_code = 5
    http_status = 409


class ReportParseError(DemoscopeError):
    """A file that cannot be read as a report: names the file, the line and the reason."""

    exit_code = 6
    http_status = 422

    def __init__(self, file: str, reason: str, line: int | None = None):
        self.file = file
        self.line = line
        self.reason = reason
        where = f"{file}:{line}" if line else file
        super().__init__(reason, where=where)


class DataError(DemoscopeError):
    """A row of a data file (dataset, import) that is malformed: names file, line and field."""

    exit_code = 7


class OutputError(DemoscopeError):
    """A file that cannot be written where the user asked (a folder, a device that is not
    written through, no permission, no space left): nothing was replaced."""

    exit_code = 8
    http_status = 500


class Unauthorized(DemoscopeError):
    """No credentials, or a wrong password, token or session (HTTP 401)."""

    exit_code = 10
    http_status = 401


class Forbidden(DemoscopeError):
    """A person whose role (or assigned countries) does not allow the action (HTTP 403)."""

    exit_code = 10
    http_status = 403


class TooManyAttempts(DemoscopeError):
    """Too many failed logins for one user in a short time (HTTP 429)."""

    exit_code = 10
    http_status = 429

    def __init__(self, message: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message)


class StaleVersion(ConflictError):
    """An optimistic-locking conflict: someone saved since the version the writer read.
    ``extra`` carries both values so that nothing the writer typed is lost."""

    def __init__(self, message: str, *, field: str | None = "version", extra: dict | None = None):
        self.extra = dict(extra or {})
        super().__init__(message, field=field)


class PublicationRefused(ConflictError):
    """Publication refused: ``extra["missing"]`` lists ``{"iso3", "category", "rule"}``."""

    def __init__(self, message: str, missing: list[dict[str, str]]):
        self.extra = {"missing": missing}
        super().__init__(message)
