import pytest

from ingestion.pseudonymize import KEY_ENV, KEY_FILE_ENV, MissingKeyError, load_key, pseudonym


def test_no_key_refuses_and_says_how_to_set_one(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    with pytest.raises(MissingKeyError) as caught:
        load_key()
    assert KEY_ENV in str(caught.value) and "make run" in str(caught.value)


def test_short_key_is_refused(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "too-short")
    with pytest.raises(MissingKeyError, match="shorter than"):
        load_key()


def test_key_from_a_file(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_ENV, raising=False)
    key_file = tmp_path / "k"
    key_file.write_text("f" * 64 + "\n")
    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    assert load_key() == b"f" * 64
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "missing"))
    with pytest.raises(MissingKeyError, match="does not exist"):
        load_key()


def test_pseudonym_is_keyed_and_prefers_the_id_number():
    key_a, key_b = b"a" * 32, b"b" * 32
    by_id = pseudonym(key_a, {"id_number": "012345678901"}, {"citizen_name": "Lò Văn A", "address": "Tổ 1"})
    same_id_other_name = pseudonym(key_a, {"id_number": "012 345 678 901"}, {"citizen_name": "X", "address": None})
    assert by_id == same_id_other_name
    assert pseudonym(key_b, {"id_number": "012345678901"}, {}) != by_id
    by_name = pseudonym(key_a, {"id_number": None}, {"citizen_name": "Lò Văn A", "address": "Tổ 1"})
    assert by_name == pseudonym(key_a, {"id_number": ""}, {"citizen_name": "lo van a", "address": "to 1"})
    assert by_name != by_id and len(by_name) == 64
    assert "012345678901" not in by_id


def test_key_from_the_airflow_connection(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    secret = "from-an-airflow-connection-" + "9" * 16
    monkeypatch.setenv("AIRFLOW_CONN_LAICHAU_PSEUDONYM_KEY", f'{{"conn_type": "generic", "password": "{secret}"}}')
    assert load_key() == secret.encode()


def test_every_id_number_column_is_normalised_before_hashing():
    key = b"k" * 32
    assert pseudonym(key, {"sender_id_number": "0121 5285 0780"}, {}) == pseudonym(key, {"sender_id_number": "012152850780"}, {})


def test_keyed_digests_are_standard_hmac_sha256_for_short_and_long_keys():
    """The digest hashes the key's pads once per key; it must stay exactly HMAC-SHA-256, or every
    pseudonym stored so far would stop linking."""
    import hashlib
    import hmac

    from ingestion.pseudonymize import _keyed

    keys = (b"test-key-" + b"0123456789abcdef" * 3, b"k" * 64, b"a key longer than one SHA-256 block, " * 3)
    for key in keys:
        for parts in (["012345678901"], ["nguyen van a", None, "ban a"], ["", "x"]):
            message = ("id|" + "|".join(p or "" for p in parts)).encode()
            assert _keyed(key, "id", parts) == hmac.new(key, message, hashlib.sha256).hexdigest()
