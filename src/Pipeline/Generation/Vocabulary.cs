namespace SpotifyWorker.Pipeline.Generation;

/// <summary>
/// Word lists the names are built from. Deliberately international: the pipeline must carry accents, CJK,
/// Hangul and emoji through CSV, Parquet and the views unchanged. Changing a list changes every file a seed
/// produces, so append rather than edit.
/// </summary>
internal static class Vocabulary
{
    public static readonly string[] FirstNames =
    [
        "Ana", "Ben", "Carla", "Dario", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kai", "Lena",
        "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Victor", "Wen", "Ximena",
        "Yusuf", "Zoe", "Aaliyah", "Bruno", "Camila", "Diego", "Emma", "Felix", "Gabriel", "Hana", "Ivan",
        "Julia", "Kofi", "Lucas", "Maya", "Nils", "Olivia", "Pedro", "Sara", "Theo", "Valentina", "Will",
        "José", "Zoë", "Chloé", "Søren", "Łukasz", "Renée", "Gökhan", "Björn", "Anaïs", "François",
    ];

    public static readonly string[] LastNames =
    [
        "Smith", "Garcia", "Müller", "Rossi", "Kim", "Tanaka", "Silva", "Nguyen", "Okafor", "Johansson",
        "Novak", "Dubois", "Costa", "Haddad", "Ivanova", "Kowalski", "Larsen", "Moreno", "Park", "Quintero",
        "Reyes", "Schmidt", "Takahashi", "Walker", "Young", "Zhang", "Brown", "Lee", "Martin", "Wilson",
        "Dvořák", "Ó Briain", "Pérez", "Sánchez", "Ødegaard", "Çelik", "Nuñez", "Lindqvist", "Ahn", "Díaz",
    ];

    public static readonly string[] Adjectives =
    [
        "Velvet", "Neon", "Silent", "Golden", "Electric", "Paper", "Crystal", "Midnight", "Wild", "Broken",
        "Blue", "Lost", "Young", "Cosmic", "Little", "Hollow", "Bright", "Lazy", "Royal", "Savage", "Sweet",
        "Frozen", "Burning", "Secret", "Lonely", "Northern", "Tropical", "Plastic", "Holy", "Dark",
    ];

    public static readonly string[] Nouns =
    [
        "Tigers", "Echoes", "Machines", "Rivers", "Hearts", "Ghosts", "Lights", "Wolves", "Satellites",
        "Dreams", "Kids", "Monkeys", "Foxes", "Waves", "Kings", "Queens", "Angels", "Shadows", "Drums",
        "Roses", "Birds", "Stars", "Giants", "Strangers", "Parade", "Club", "Orchestra", "Collective",
    ];

    public static readonly string[] Asian =
    [
        "米津玄師", "宇多田ヒカル", "あいみょん", "周杰倫", "王菲", "방탄소년단", "아이유", "블랙핑크", "五月天",
        "ヨルシカ", "椎名林檎", "陳奕迅", "트와이스", "鄧紫棋", "スピッツ",
    ];

    public static readonly string[] Emoji = ["🎵", "🔥", "🌙", "✨", "💜", "🎧", "🌊", "🦋", "⚡", "🌹"];

    public static readonly string[] TitleWords =
    [
        "Love", "Night", "Summer", "Fire", "Heart", "Road", "Dance", "Rain", "Home", "Forever", "Dream",
        "Gold", "Blue", "Tonight", "Money", "Falling", "Runaway", "Paradise", "Heaven", "Stay", "Alone",
        "Sunrise", "Thunder", "Ocean", "Memories", "Midnight", "Shine", "Wonder", "Letters", "Ghost",
        "Corazón", "Mañana", "Amour", "Liebe", "Sakura", "Bailando", "Saudade", "Été", "Noche", "Cielo",
    ];

    public static readonly string[] TitleSuffixes =
    [
        " - Remastered", " - Live", " - Acoustic", " - Radio Edit", " (Remix)", " - Single Version",
        " - Instrumental", " (Deluxe)", " - Demo", " (Sped Up)",
    ];

    public static readonly string[] Genres =
    [
        "pop", "dance pop", "rap", "hip hop", "k-pop", "k-pop boy group", "latin", "reggaeton", "urbano latino",
        "rock", "indie rock", "album rock", "edm", "house", "tech house", "country", "contemporary country",
        "r&b", "trap", "j-pop", "mandopop", "classical", "jazz", "soul", "metal", "lo-fi beats", "afrobeats",
        "bossa nova", "chanson", "schlager", "neo mellow", "post-grunge", "children's music", "modern rock",
        "drill", "uk garage", "cumbia", "sertanejo", "bollywood", "anime", "vapor trap", "mellow gold",
    ];

    public static readonly string[] Labels =
    [
        "Columbia", "Atlantic Records", "Republic Records", "Sony Music Entertainment", "Universal Music",
        "Warner Records", "XL Recordings", "Sub Pop", "Big Hit Music", "Interscope Records", "Island Records",
        "Def Jam Recordings", "Domino Recording Co", "Rough Trade", "Ninja Tune", "Blue Note Records",
        "Nuclear Blast", "Ed Banger Records", "Capitol Records", "RCA Records", "Epic", "Parlophone",
        "Sony Music Latin", "Avex Trax", "YG Entertainment", "Because Music", "Polydor", "Motown",
        "Smith, Jones & Co.", "Label \"Indie\" Records", "Ｍｕｓｉｃ Ｆａｃｔｏｒｙ",
    ];
}
