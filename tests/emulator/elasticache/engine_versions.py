"""Engine versions from the emulator's catalog: checked on create and modify, and described."""

from __future__ import annotations

from .. import rules
from ..catalog import DEFAULT_ENGINE_VERSION, ENGINE_VERSIONS
from .common import page, version_tuple


class EngineVersions:
    """Engine and version checks, and DescribeCacheEngineVersions."""

    def _engine(self, engine, version):
        engine = (engine or "redis").lower()
        if engine not in ENGINE_VERSIONS:
            raise rules.invalid(f"Invalid Engine {engine}: must be redis or valkey.")
        version = version or DEFAULT_ENGINE_VERSION[engine]
        major_minor = ".".join(version.split(".")[:2])
        if major_minor not in ENGINE_VERSIONS[engine]:
            raise rules.invalid(f"Cannot find version {version} for {engine}")
        return engine, version, ENGINE_VERSIONS[engine][major_minor]

    def op_DescribeCacheEngineVersions(self, region, p):  # pylint: disable=invalid-name
        """The engine versions the catalog knows, filtered as AWS filters them (DefaultOnly: the default one)."""
        versions = []
        for engine, by_version in sorted(ENGINE_VERSIONS.items()):
            for version, family in sorted(by_version.items(), key=lambda item: version_tuple(item[0])):
                if p.get("DefaultOnly") and version != DEFAULT_ENGINE_VERSION[engine]:
                    continue
                if p.get("Engine", engine).lower() != engine or p.get("EngineVersion", version) != version or \
                        p.get("CacheParameterGroupFamily", family) != family:
                    continue
                name = "Redis OSS" if engine == "redis" else "Valkey"
                versions.append({"Engine": engine, "EngineVersion": version, "CacheParameterGroupFamily": family,
                                 "CacheEngineDescription": name, "CacheEngineVersionDescription": f"{name} {version}"})
        return page(versions, p, "CacheEngineVersions")
