"""The server-drawn map of Europe: members linked and coloured by status, the rest listed beside it."""

import xml.etree.ElementTree as ET

import pytest

from pledges.maps import MapEntry, europe_map

SVG = "{http://www.w3.org/2000/svg}"

FRANCE = MapEntry(code="FR", name="France", status="committed", url="/members/france/")
GERMANY = MapEntry(code="DE", name="Germany", status="delivered", url="/members/germany/")
JAPAN = MapEntry(code="JP", name="Japan", status="willing", url="/members/japan/")
CANADA = MapEntry(code="CA", name="Canada", status="committed", url="/members/canada/")


def parse(svg: str) -> ET.Element:
    """The SVG as XML: it must be well-formed for the browser to draw it inline."""
    return ET.fromstring(svg)


def links(root: ET.Element) -> dict[str, ET.Element]:
    return {a.get("href"): a for a in root.iter(f"{SVG}a")}


def test_a_member_country_is_a_link_with_its_status_class_and_accessible_title():
    root = parse(europe_map([FRANCE]).svg)

    france = links(root)["/members/france/"]
    assert france.find(f"{SVG}title").text == "France: committed"
    assert france.find(f"{SVG}path").get("class").split() == ["map-land", "map-status-committed"]
    assert france.find(f"{SVG}path").get("d").startswith("M")


def test_the_map_is_a_named_group_of_links_with_a_description_counting_members_by_status():
    result = europe_map([FRANCE, GERMANY, JAPAN])
    root = parse(result.svg)

    assert root.get("role") == "group" and root.get("aria-labelledby") == "map-title map-desc"
    assert root.get("viewBox").startswith("0 0 1000 ")
    assert root.find(f"{SVG}title").text == "Map of Europe: coalition members by pledge status"
    description = root.find(f"{SVG}desc").text
    assert "2 coalition members shown" in description
    assert "1 committed, 1 delivered" in description
    assert "1 outside the area shown are listed beside the map" in description


def test_members_outside_europe_or_without_a_country_come_back_as_not_drawn_in_order():
    eu = MapEntry(code="", name="European Union", status="willing", url="/members/eu/")

    result = europe_map([JAPAN, FRANCE, eu, CANADA])

    assert result.not_drawn == [JAPAN, eu, CANADA]
    assert set(links(parse(result.svg))) == {"/members/france/"}


def test_statuses_are_named_in_words_including_ruled_out_and_no_pledge():
    poland = MapEntry(code="PL", name="Poland", status="ruled-out", url="/members/poland/")
    estonia = MapEntry(code="ee", name="Estonia", status=None, url="/members/estonia/")

    drawn = links(parse(europe_map([poland, estonia]).svg))

    assert drawn["/members/poland/"].find(f"{SVG}title").text == "Poland: ruled out"
    assert "map-status-ruled-out" in drawn["/members/poland/"].find(f"{SVG}path").get("class")
    assert drawn["/members/estonia/"].find(f"{SVG}title").text == "Estonia: no pledge recorded"
    assert "map-status-none" in drawn["/members/estonia/"].find(f"{SVG}path").get("class")


def test_small_countries_and_kosovo_without_a_numeric_code_are_drawn():
    luxembourg = MapEntry(code="LU", name="Luxembourg", status="willing", url="/members/luxembourg/")
    kosovo = MapEntry(code="XK", name="Kosovo", status="proposed", url="/members/kosovo/")

    result = europe_map([luxembourg, kosovo])

    assert result.not_drawn == []
    assert set(links(parse(result.svg))) == {"/members/luxembourg/", "/members/kosovo/"}


def test_a_second_entry_for_the_same_country_is_not_drawn_twice():
    again = MapEntry(code="FR", name="France (again)", status="willing", url="/members/france-2/")

    result = europe_map([FRANCE, again])

    assert result.not_drawn == [again]
    assert set(links(parse(result.svg))) == {"/members/france/"}


def test_hostile_names_and_urls_are_escaped():
    hostile = MapEntry(
        code="FR", name="<script>alert(1)</script>", status="committed", url='/x/" onclick="alert(1)'
    )

    result = europe_map([hostile])
    root = parse(result.svg)

    assert "<script" not in result.svg
    assert not list(root.iter(f"{SVG}script"))
    link = links(root)['/x/" onclick="alert(1)']
    assert link.get("onclick") is None
    assert link.find(f"{SVG}title").text == "<script>alert(1)</script>: committed"


def test_an_unknown_status_is_refused_rather_than_put_into_a_class_name():
    with pytest.raises(ValueError, match="Unknown pledge status"):
        europe_map([MapEntry(code="FR", name="France", status='x" onload="alert(1)', url="/")])


def test_output_is_deterministic_whatever_the_order_of_entries():
    first = europe_map([FRANCE, GERMANY, JAPAN]).svg
    again = europe_map([FRANCE, GERMANY, JAPAN]).svg
    reordered = europe_map([JAPAN, GERMANY, FRANCE]).svg

    assert first == again == reordered


def test_with_no_members_the_land_is_still_drawn_without_links():
    result = europe_map([])
    root = parse(result.svg)

    land = [path for path in root.iter(f"{SVG}path") if path.get("class") == "map-land"]
    assert len(land) > 40
    assert not links(root)
    assert result.not_drawn == []
    assert "No coalition members are in the area shown." in root.find(f"{SVG}desc").text


def test_the_svg_has_no_inline_styles_or_scripts_and_stays_small():
    svg = europe_map([FRANCE, GERMANY]).svg

    root = parse(svg)
    assert all(element.get("style") is None for element in root.iter())
    assert "<style" not in svg and "<script" not in svg
    assert len(svg.encode()) < 150_000
