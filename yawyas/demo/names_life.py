"""Names for the messier lives: Spanish children's songs, sleep sounds, metal, and trap band names.

Made up for yawyas like the rest of the demo world (the titles of traditional children's songs
aside). Children's and sleep content carry the words a real catalog uses ("Canciones Infantiles",
"Nursery Rhymes", "Rain Sounds for Sleep", "White Noise 10 Hours") so that a lexicon can find them.
The "alternative" genre is the trap: ordinary everyday music by artists whose names hold the words
of a routine ("Run", "Sleep", "Kids", "Focus", "Gym", "Lullaby"), which must not be taken for one.
"""

from __future__ import annotations

from yawyas.demo.words import EN_FAMILY, EN_GIVEN, ES_FAMILY, ES_GIVEN, GenreWords, split_words

# The hand-picked "alternative" artists: everyday music with a routine's word in the name.
TRAP_ARTISTS = split_words(
    "Run the Lanterns|Sleep Signal|Kids See Static|Focus|The Runaway Hearts|Gym Class Ghosts|"
    "Lullaby Riot|White Noise Parade|Nursery Crimes|Bedtime Bandits"
)

LIFE_GENRES: dict[str, GenreWords] = {
    "kids_es": GenreWords(
        artists=split_words(
            "El Patio de los Peques|La Granja de Lola|Tía Lula y sus Amigos|Los Pollitos Cantores|"
            "Coro Infantil Arcoíris"
        ),
        titles=split_words(
            "Los Pollitos Dicen|El Patio de Mi Casa|Debajo de un Botón|Pimpón|Arroz con Leche|"
            "Cinco Lobitos|Un Elefante se Balanceaba|La Araña Pequeñita|Las Ruedas del Autobús|"
            "Estrellita, ¿Dónde Estás?|El Barquito Chiquitito|A la Nanita Nana|Sol, Solecito|"
            "Los Días de la Semana|Tengo una Muñeca|Al Corro de la Patata|Naranja Dulce|"
            "Los Elefantes|Cucú, Cantaba la Rana|Señora Vaca|Los Deditos|Canción del Baño"
        ),
        first=split_words("Los Pollitos|La Ranita|El Gato|Los Patitos|La Vaca|El Sapito|La Luna"),
        second=split_words(
            "Bailarines|del Bosque|Dormilón|Cantores|Saltarines|de Colores|Chiquitito"
        ),
        given=split_words("Tía|Tío|Don|Doña|Abuela"),
        family=split_words("Lula|Pepe|Chispa|Canela|Pirulí|Mimi"),
        bands=split_words("{a} {b}|Coro Infantil {b}|Los Peques {b}"),
        albums=split_words(
            "Canciones Infantiles, Vol. {n}|Canciones para Niños|Nanas para Dormir|{t}|"
            "Rondas Infantiles|Canciones Infantiles Clásicas"
        ),
        minutes=(1.3, 3.0),
        suffixes=(" (Versión Infantil)", " - Nana", " (Para Bailar)", " - Karaoke"),
    ),
    "sleep": GenreWords(
        artists=split_words(
            "Rainfall Sleep Studio|White Noise Lab|Deep Sleep Sounds Collective|"
            "Calm Night Ambience|Baby Sleep Whisper|Ocean Lull"
        ),
        titles=split_words(
            "Heavy Rain on a Tin Roof|Gentle Rain for Sleep|White Noise 10 Hours|"
            "Brown Noise (Loopable)|Pink Noise for Babies|Ocean Waves at Night|"
            "Distant Thunderstorm|Fan Noise for Sleeping|Rain on the Window|Forest Rain|"
            "Campfire at Night|Airplane Cabin Noise|Womb Sounds for Newborns|"
            "Guided Sleep Meditation|Body Scan for Deep Sleep|Singing Bowls for Sleep|"
            "Soft Rain and Crickets|Deep Sleep Delta Waves"
        ),
        first=split_words("Gentle|Heavy|Soft|Distant|Endless|Calm|Deep|Night|Quiet|Steady"),
        second=split_words("Rain|Noise|Waves|Thunder|Stream|Wind|Fan Noise|Sleep|Drizzle"),
        given=EN_GIVEN,
        family=EN_FAMILY,
        bands=split_words("{a} {b} Sounds|{b} for Sleep|{a} Sleep Studio|{a} {b} Machine"),
        albums=split_words(
            "Rain Sounds for Sleep|White Noise 10 Hours|Sleep Sounds, Vol. {n}|Deep Sleep: {t}|"
            "Baby Sleep White Noise|{t} (10 Hours)|Meditation for Sleep"
        ),
        minutes=(4.0, 24.0),
        suffixes=(" (Loopable)", " - 1 Hour", " (No Fade)", " - Extended"),
    ),
    "metal": GenreWords(
        artists=split_words(
            "Iron Coffin|Grave Orchard|Black Anvil Choir|Thornwreath|Ashen Throne|Nocturnal Forge"
        ),
        titles=split_words(
            "Forged in Ash|Cathedral of Rust|Wolves of the North|Blood Moon Rising|Steel Requiem|"
            "Into the Abyss|Frostbitten Kingdom|Pyre of Kings|Serpent Hymn|Black Tide|"
            "The Anvil Speaks|Ruins Remember"
        ),
        first=split_words("Iron|Black|Ashen|Frozen|Burning|Grave|Serpent|Storm|Blood|Hollow"),
        second=split_words("Throne|Forge|Abyss|Requiem|Crown|Tide|Kingdom|Pyre|Hymn|Wolves"),
        given=EN_GIVEN,
        family=EN_FAMILY,
        bands=split_words("{a} {b}|The {b} Choir|{a}{b}"),
        albums=split_words("{t}|Live in Oblivion|{t} (Remastered)|Chapter {n}: {t}|Iron Age"),
        minutes=(3.8, 7.5),
        suffixes=(" - Live", " (Demo)", " - Remastered", " (Instrumental)"),
    ),
    "alternative": GenreWords(
        artists=TRAP_ARTISTS,
        titles=split_words(
            "Sleepwalker|Run for Cover|Kids in the Basement|Lullaby for Insomniacs|"
            "White Noise Heart|Focus Pull|Rain on the Parade|Bedtime Story Gone Wrong|"
            "The Party's Over|Study Hall Riot|Meditation on a Fire Escape|Running Late Again|"
            "Deep Sleep (Never)|Gym Shoes in the Rain|Baby Teeth|Nap Time Is Over"
        ),
        first=split_words(
            "Static|Neon|Broken|Paper|Electric|Sleepless|Restless|Running|Quiet|Feral"
        ),
        second=split_words("Lullaby|Sleep|Kids|Run|Focus|Noise|Rain|Gym|Party|Heart"),
        given=ES_GIVEN,
        family=ES_FAMILY,
        bands=split_words("{a} {b}|The {b} Club|{b} Signal|{a} {b}s"),
        albums=split_words("{t}|{t} (Deluxe)|Side {n}|Bad Habits|Live at the Night Bus"),
        minutes=(2.6, 4.8),
    ),
}
