"""Stable codes other apps route to: office types (catalog, workflow) and post codes (workflow tasks)."""

from __future__ import annotations


class OfficeTypeCode:
    """``OfficeType.code`` values created by ``office_types_ensure``."""

    UNION_PARISHAD = "union_parishad"
    PAURASHAVA = "paurashava"
    CITY_CORPORATION = "city_corporation"
    UNION_LAND_OFFICE = "union_land_office"
    UPAZILA_LAND_OFFICE = "upazila_land_office"
    UPAZILA_ELECTION_OFFICE = "upazila_election_office"
    UPAZILA_SOCIAL_SERVICES_OFFICE = "upazila_social_services_office"
    UPAZILA_NIRBAHI_OFFICE = "upazila_nirbahi_office"
    DC_OFFICE = "dc_office"
    NATIONAL_AGENCY = "national_agency"


# services.csv (data/services) names the DC office level "district_dc_office"; everything else
# in its ``office_level`` column (split on ";") is already an office type code.
SERVICES_CSV_OFFICE_LEVEL = {"district_dc_office": OfficeTypeCode.DC_OFFICE}


def office_type_code_for_level(office_level: str) -> str:
    """Map one ``office_level`` value of services.csv to an ``OfficeType.code``."""
    return SERVICES_CSV_OFFICE_LEVEL.get(office_level, office_level)


class PostCode:
    """``Post.code`` values of the seeded offices. Workflows route tasks to these."""

    # Deputy Commissioner's office (জেলা প্রশাসকের কার্যালয়)
    DC = "dc"
    ADC_GENERAL = "adc_general"
    FRONT_DESK = "front_desk"
    GC_ASSISTANT = "gc_assistant"
    RECORD_ROOM_ASSISTANT = "record_room_assistant"
    REVENUE_ASSISTANT = "revenue_assistant"
    # Upazila Nirbahi Office
    UNO = "uno"
    OFFICE_ASSISTANT = "office_assistant"
    # Union Parishad
    UP_CHAIRMAN = "up_chairman"
    UP_SECRETARY = "up_secretary"
