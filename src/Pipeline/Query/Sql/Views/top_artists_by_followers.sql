-- Artists ranked by followers: who has the largest audience among the artists in spotify_tracks.
-- artist_id: Spotify artist id
-- artist_name: artist name
-- followers: Spotify followers of the artist
-- artist_popularity: Spotify popularity of the artist, 0 to 100
-- track_count: tracks of the artist in spotify_tracks
-- follower_rank: 1 for the most followed artist; ties share a rank; artists without a follower count come last
CREATE OR REPLACE VIEW top_artists_by_followers AS
SELECT
    a.artist_id,
    a.artist_name,
    a.followers,
    a.artist_popularity,
    a.track_count,
    rank() OVER (ORDER BY a.followers DESC NULLS LAST) AS follower_rank
FROM (
    SELECT
        s.artist_id,
        max(s.artist_name) AS artist_name,
        max(s.followers) AS followers,
        max(s.artist_popularity) AS artist_popularity,
        count(DISTINCT s.track_id) AS track_count
    FROM spotify_tracks s
    GROUP BY s.artist_id
) a
