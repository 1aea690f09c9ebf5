"""The ledger: GS1 EPCIS 2.0 events hash-chained per organization, capture and query, the REST interface.
It knows EPCIS, not Seamline's models: the contexts build their events and register their identifiers."""
