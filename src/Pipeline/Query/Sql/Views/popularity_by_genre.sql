-- Popularity by genre: how many artists and tracks each genre has and how popular they are.
-- genre: a genre of the artist; a track counts in every genre of its artist
-- artist_count: artists with this genre
-- track_count: tracks by artists with this genre
-- avg_track_popularity: mean track_popularity of those tracks, 2 decimals
-- avg_artist_popularity: mean artist_popularity of those artists, each artist counted once, 2 decimals
CREATE OR REPLACE VIEW popularity_by_genre AS
WITH track_genres AS (
    SELECT DISTINCT g.genre, s.track_id, s.track_popularity, s.artist_id, s.artist_popularity
    FROM spotify_tracks s
    CROSS JOIN UNNEST(s.genres) AS g(genre)
),
artist_genres AS (
    SELECT genre, artist_id, max(artist_popularity) AS artist_popularity
    FROM track_genres
    GROUP BY genre, artist_id
)
SELECT
    t.genre,
    a.artist_count,
    t.track_count,
    t.avg_track_popularity,
    a.avg_artist_popularity
FROM (
    SELECT genre, count(DISTINCT track_id) AS track_count, round(avg(CAST(track_popularity AS DOUBLE)), 2) AS avg_track_popularity
    FROM track_genres
    GROUP BY genre
) t
JOIN (
    SELECT genre, count(*) AS artist_count, round(avg(CAST(artist_popularity AS DOUBLE)), 2) AS avg_artist_popularity
    FROM artist_genres
    GROUP BY genre
) a ON a.genre = t.genre
