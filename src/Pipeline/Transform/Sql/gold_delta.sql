-- The gold rows of the tracks in current_albums, from the current version of every entity: the inner join
-- albums.artist_id = artists.id and albums.track_id = tracks.id, as in the seed job, in two halves. The engine registers
-- current_<entity> (README, "Order of a batch"): while some gold is committed, the current rows of the affected
-- tracks (delta_albums.sql, delta_tracks.sql) and of every artist (compact_artists.sql); while none is, the current
-- rows of every key (compact_<entity>.sql), and this is then the whole gold table. gold_album_tracks.sql joins albums
-- and tracks; this joins the artists. Artists are not narrowed to the affected tracks' artists: finding those would
-- read silver_albums once more, which costs more than the artists' own aggregate.
SELECT
    g.track_id,
    g.track_name,
    g.track_number,
    g.duration_ms,
    g.track_popularity,
    g.explicit,
    g.album_id,
    g.album_name,
    g.album_type,
    g.label,
    g.total_tracks,
    g.album_popularity,
    g.release_date,
    g.release_date_precision,
    ar.id AS artist_id,
    ar.name AS artist_name,
    ar.artist_popularity,
    ar.followers,
    ar.genres,
    CAST(year(g.release_date) AS INT) AS release_year
FROM gold_album_tracks g
JOIN current_artists ar ON ar.id = g.artist_id
