-- The gold rows of the tracks in current_albums, from the current version of every entity: the inner join
-- albums.artist_id = artists.id and albums.track_id = tracks.id, as in the seed job. The engine registers
-- current_<entity> (README, "Order of a batch"): while some gold is committed, the current rows of the affected
-- tracks (delta_albums.sql, delta_tracks.sql) and of every artist (compact_artists.sql); while none is, the current
-- rows of every key (compact_<entity>.sql), and this is then the whole gold table. Artists are not narrowed to the
-- affected tracks' artists: finding those would read silver_albums once more, which costs more than the artists' own
-- aggregate.
SELECT
    a.track_id,
    a.track_name,
    a.track_number,
    a.duration_ms,
    t.track_popularity,
    t.explicit,
    a.album_id,
    a.album_name,
    a.album_type,
    a.label,
    a.total_tracks,
    a.album_popularity,
    a.release_date,
    a.release_date_precision,
    ar.id AS artist_id,
    ar.name AS artist_name,
    ar.artist_popularity,
    ar.followers,
    ar.genres,
    CAST(year(a.release_date) AS INT) AS release_year
FROM current_albums a
JOIN current_tracks t ON t.id = a.track_id
JOIN current_artists ar ON ar.id = a.artist_id
