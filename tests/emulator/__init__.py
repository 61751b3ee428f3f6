"""The emulated AWS of the funmagic.elasticache test bed (moto server plus our ElastiCache)."""
