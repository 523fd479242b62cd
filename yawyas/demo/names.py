"""Invented but plausible names: artists, tracks, albums, shows and books of the demo world.

Everything here is made up for yawyas (traditional children's songs aside, which are public domain).
Each genre has a few hand-picked names, used first, and word pools to make more when a long history
needs a bigger catalog.
"""

from __future__ import annotations

from dataclasses import dataclass

from yawyas.demo.names_life import LIFE_GENRES
from yawyas.demo.words import EN_FAMILY as _EN_FAMILY
from yawyas.demo.words import EN_GIVEN as _EN_GIVEN
from yawyas.demo.words import ES_FAMILY as _ES_FAMILY
from yawyas.demo.words import ES_GIVEN as _ES_GIVEN
from yawyas.demo.words import GenreWords
from yawyas.demo.words import split_words as _split

__all__ = ["BOOKS", "CHAPTER_WORDS", "GENRES", "SHOWS", "BookWords", "GenreWords", "ShowWords"]

GENRES: dict[str, GenreWords] = {
    "running": GenreWords(
        artists=_split(
            "Pulse Avenue|Neon Stride|Kilometer Club|The Tempo Kids|Sprint Theory|Cardio Royale|"
            "Rya Solenne|Heartrate Heroes"
        ),
        titles=_split(
            "Second Wind|Pace Maker|Uphill Anthem|Runner's High|Last Kilometer|"
            "Faster Than Tomorrow|Heartbeat Highway|Golden Mile|Chase the Sunrise|Legs on Fire|"
            "Finish Line|Break the Tape|"
            "Stride for Stride|Interval Love|Early Bird Energy|Push Through|Long Road Home|"
            "Endorphin Rush|Cool Down|Sunrise Sprint"
        ),
        first=_split(
            "Electric|Endless|Golden|Burning|Wild|Rapid|Higher|Infinite|Restless|Unstoppable|Bright"
        ),
        second=_split(
            "Pulse|Miles|Horizon|Sunrise|Engine|Rush|Motion|Heartbeat|Velocity|Tempo|Run"
        ),
        given=_EN_GIVEN,
        family=_EN_FAMILY,
        bands=_split("{a} {b}|The {b} Project|{b} Machine|{a} {b} Club"),
        albums=_split("{t}|Fast Lane, Vol. {n}|Run EP|{t} (Remixes)|Personal Best"),
        minutes=(2.8, 4.2),
    ),
    "kids": GenreWords(
        artists=_split(
            "The Little Singers|Tiny Tunes Choir|Mr. Moon & Friends|Los Pequeños Cantores|"
            "Sunny Sandbox|Granny Owl's Band"
        ),
        titles=_split(
            "Wheels on the Bus (Sing-Along)|Five Little Ducks|Old MacDonald Had a Farm|"
            "Twinkle Twinkle Little Star|The Itsy Bitsy Spider|Head, Shoulders, Knees and Toes|"
            "If You're Happy and You Know It|Row, Row, Row Your Boat|Ten in the Bed|"
            "Bath Time Bubbles|Dinosaur Stomp|Brush Your Teeth Song|Counting Sheep Lullaby|"
            "Las Ruedas del Autobús|Los Pollitos Dicen|Hush, Little Baby|The Alphabet Train|"
            "Five Little Monkeys|Rain, Rain, Go Away|Baa, Baa, Black Sheep|Hickory Dickory Dock|"
            "Pat-a-Cake|London Bridge|Ring a Ring o' Roses|Hokey Cokey|Humpty Dumpty|"
            "Wind the Bobbin Up|Days of the Week Song|Tidy Up Time|Goodnight Little Moon"
        ),
        first=_split("Five Little|The Happy|Sleepy|Dancing|Counting|Jumping|Silly|Rainbow|Tiny"),
        second=_split("Ducks|Dinosaurs|Stars|Frogs|Trains|Bunnies|Bubbles|Elephants|Penguins"),
        given=_split("Mr.|Miss|Auntie|Uncle|Captain"),
        family=_split("Moon|Bramble|Pickles|Sunshine|Wobble|Toot"),
        bands=_split("The {a} {b}|{b} Club Kids|{a} {b} Band"),
        albums=_split(
            "Sing-Along Favourites, Vol. {n}|Nursery Rhymes, Vol. {n}|Bedtime Songs|{t}|"
            "Songs for Little Ones"
        ),
        minutes=(1.4, 3.0),
        suffixes=(" (Sing-Along)", " (Lullaby Version)", " (Dance Version)", " - Instrumental"),
    ),
    "tango": GenreWords(
        artists=_split(
            "Orquesta Típica La Milonguera|Sexteto Arrabal|Cuarteto Bandoneón Azul|Trío Malevaje|"
            "Orquesta Puerto Sur|Orquesta Típica Los Faroles"
        ),
        titles=_split(
            "Noches de Arrabal|Milonga del Puerto|Vals de la Esquina|Tristeza de Otoño|"
            "Bandoneón Dormido|Café de los Lunes|Lluvia en San Telmo|Abrazo Lento|"
            "Mi Barrio Querido|"
            "Volver al Sur|Farol de Almagro|Milonga para Ana|Desvelo|Tango del Andén|"
            "La Última Tanda|Cortina de Humo|Percal Nuevo|Vals del Olvido"
        ),
        first=_split("Noche|Milonga|Vals|Farol|Tristeza|Cortina|Esquina|Lluvia|Abrazo|Desvelo"),
        second=_split(
            "de Arrabal|del Puerto|de Boedo|sin Luna|de Otoño|Porteño|de Medianoche|del Sur|Lejano"
        ),
        given=_split("Aníbal|Rodolfo|Osvaldo|Ángel|Lucio|Horacio|Julio"),
        family=_split("Di Santo|Ferraro|Lomuto|Basso|Caló|Marino|Tanturi"),
        bands=_split("Orquesta Típica {b}|Cuarteto {b}|Sexteto {a}"),
        albums=_split("{t}|Grabaciones Completas, Vol. {n}|Milongas y Valses|Bailable"),
        minutes=(2.5, 3.4),
        suffixes=(" - Remasterizado", " (Vals)", " (Milonga)", " - En Vivo"),
    ),
    "salsa": GenreWords(
        artists=_split(
            "La Sonora del Barrio|Conjunto Candela|Orquesta Sabor Caribe|Timba Libre|"
            "Los Soneros de la Playa"
        ),
        titles=_split(
            "Bailando en la Calle|Sabor a Caribe|La Rumba de María|Mi Son Cubano|Pa' la Esquina|"
            "Fuego en el Malecón|Clave y Corazón|Noche de Timba|Mami, Baila|Guaguancó del Barrio|"
            "Tumbao Feliz|Salsa pa' Ti|Caramelo|Descarga en Vivo"
        ),
        first=_split("Fuego|Sabor|Rumba|Son|Tumbao|Clave|Noche|Descarga|Guaguancó"),
        second=_split("Caribe|del Barrio|Caliente|de Oriente|Sabrosa|Mayor|en la Playa|Bonito"),
        given=_ES_GIVEN,
        family=_ES_FAMILY,
        bands=_split("Orquesta {a} {b}|Conjunto {a}|Los Soneros {b}"),
        albums=_split("{t}|Salsa Brava, Vol. {n}|¡A Bailar!|En Vivo desde el Malecón"),
        minutes=(3.8, 6.0),
        suffixes=(" - En Vivo", " (Versión Extendida)", " - Remasterizado"),
    ),
    "focus": GenreWords(
        artists=_split(
            "Quiet Harbor|Lo-Fi Lantern|Piano Atlas|Glass Room Ensemble|Slow Paper|Tape Bloom|"
            "Amber Study|Nightdesk"
        ),
        titles=_split(
            "Rainy Library|Tea at Dusk|Deep Work, Pt. 2|Circuit of Thoughts|Notebook Margins|"
            "Soft Focus|Window Seat|Snowfall on Keys|Morning Pages|Quiet Hours|Pencil Shavings|"
            "Drafts|Warm Static|Slow Coffee|Index Cards|Blue Hour Study|Low Tide|Paper Lanterns|"
            "Attic Light|Dust Motes"
        ),
        first=_split("Quiet|Soft|Slow|Rainy|Warm|Late|Paper|Blue|Gentle|Dim"),
        second=_split("Library|Study|Hours|Pages|Static|Tide|Desk|Margins|Lamps|Keys|Loops"),
        given=_EN_GIVEN,
        family=_EN_FAMILY,
        bands=_split("{a} {b}|{b} Tapes|The {a} Room"),
        albums=_split("{t}|Focus Loops, Vol. {n}|Study Sessions|{t} EP|Beats to Think To"),
        minutes=(2.0, 3.8),
        suffixes=(" (Piano Version)", " - Extended", " (Rain Mix)"),
    ),
    "pop": GenreWords(
        artists=_split(
            "Velvet Harbour|Juno & the Lamps|Cassette Summer|Mara Quinn|Northern Static|"
            "The Paper Comets|Ellie Vance"
        ),
        titles=_split(
            "Golden Hour Again|Call Me Back|Neon Hearts|Summer in Reverse|Paper Planes at Midnight|"
            "Say It Slow|Polaroid|Back to the Start|Dancing in the Kitchen|Good Days Only|"
            "Sugar Rush Goodbye|Lighthouse|Headlights|Every Little Thing You Said"
        ),
        first=_split("Golden|Neon|Paper|Silver|Midnight|Electric|Lucky|Sweet|Summer|Broken"),
        second=_split("Hearts|Hour|Lights|Dreams|Goodbye|Love|Sky|Heartbeat|Weekend|Promises"),
        given=_EN_GIVEN,
        family=_EN_FAMILY,
        bands=_split("The {a} {b}|{a} {b}|{b} Club"),
        albums=_split("{t}|{t} (Deluxe Edition)|Chapter {n}|Bloom|Technicolor"),
        minutes=(2.6, 4.0),
    ),
    "indie": GenreWords(
        artists=_split(
            "The Lantern Society|Fog Harbor|Wren & Willow|Small Town Radio|Pale Orchard|"
            "The Quiet Atlas"
        ),
        titles=_split(
            "Ferry Lights|Kitchen Radio|Overgrown|Postcards from Nowhere|Cold Tea|Half-Moon Bay|"
            "Driftwood|Sleeping Bags|Old Maps|Bicycle Bell|Suburban Fireflies|Sunday Papers"
        ),
        first=_split("Pale|Old|Paper|Quiet|Lonely|Hollow|Late|Northern|Little"),
        second=_split("Orchard|Maps|Harbor|Fireflies|Postcards|Letters|Rivers|Houses|Radios"),
        given=_EN_GIVEN,
        family=_EN_FAMILY,
        bands=_split("The {a} {b}|{b} & Co.|{a} {b} Society"),
        albums=_split("{t}|Songs from the Attic|{t} EP|Tape {n}|Field Recordings"),
        minutes=(3.0, 5.0),
    ),
    "rock": GenreWords(
        artists=_split(
            "Rust Valley|The Iron Orchard|Static Kings|The Southerly Busters|Bondi Static|"
            "Gravel Road"
        ),
        titles=_split(
            "Highway Thunder|Rust & Bone|Gasoline Summer|Loud Radio|Back Seat Riot|"
            "Burnout Boulevard|"
            "Red Dirt|Open Road|Amplifier|Salt Water Blues|Last Orders|Sunburnt Country Road"
        ),
        first=_split("Highway|Iron|Rust|Loud|Burning|Red|Broken|Thunder|Static|Wild"),
        second=_split("Road|Riot|Thunder|Bones|Blues|Engine|Kings|Fever|Nights|Roads"),
        given=_EN_GIVEN,
        family=_EN_FAMILY,
        bands=_split("The {a} {b}|{a} {b}|{b} Kings"),
        albums=_split("{t}|Live at the Corner Hotel|{t} (Remastered)|Volume {n}|Full Throttle"),
        minutes=(3.0, 5.5),
    ),
    "hiphop": GenreWords(
        artists=_split(
            "Lil Compass|MC Harbor|Dreamtown Collective|Kay Verse|Block Theory|Jae Cipher"
        ),
        titles=_split(
            "Corner Store Dreams|Big Plans|Midnight Metro|Level Up|Same Block|No Ceiling|"
            "Gold Chains & Bus Fares|Late Rent|Skyline Freestyle|Rooftop Cypher"
        ),
        first=_split("Big|Midnight|Gold|Late|Skyline|Real|Cold|Hometown"),
        second=_split("Plans|Metro|Freestyle|Cypher|Dreams|Hustle|Bars|Block"),
        given=_split("Lil|Young|MC|DJ|Big"),
        family=_split("Compass|Cipher|Verse|Metro|Ledger|Skyline|Nova"),
        bands=_split("{b} Collective|{a} {b} Crew|The {b} Theory"),
        albums=_split("{t}|Mixtape {n}|{t} (Deluxe)|Street Level"),
        minutes=(2.4, 4.0),
        suffixes=(" (feat. Kay Verse)", " - Remix", " (Clean)", " - Sped Up"),
    ),
    "latin_pop": GenreWords(
        artists=_split("Los Faroles|Carla Brisa|Mar de Fondo|Rumbo Norte|Lucía Vega|Dani Serrano"),
        titles=_split(
            "Corazón de Papel|Te Esperaré en Madrid|Noche de Verano|Ojalá Mañana|Luna de Agosto|"
            "Contigo en la Piel|Camino del Sur|Verano Eterno|Cartas sin Dueño|Bailar Contigo|"
            "Señales|Madrugada"
        ),
        first=_split("Corazón|Noche|Luna|Mar|Calle|Verano|Camino|Fuego|Cielo|Carta"),
        second=_split(
            "de Papel|sin Dueño|del Sur|de Madrid|Eterna|Perdida|en la Piel|de Agosto|Contigo"
        ),
        given=_ES_GIVEN,
        family=_ES_FAMILY,
        bands=_split("Los {b}|{a} {b}|La Banda del {a}"),
        albums=_split("{t}|Acústico|{t} (Edición Deluxe)|Vol. {n}|Directo en Madrid"),
        minutes=(2.8, 4.0),
        suffixes=(" - Acústico", " (feat. Carla Brisa)", " - En Directo", " - Remix"),
    ),
    "jpop": GenreWords(
        artists=_split("星野ひかり|夜明けバンド|さくらノート|Tokyo Lantern|月見草|ミナト"),
        titles=_split(
            "夜明けのメロディ|桜の手紙|雨上がりの街|君と見た海|東京ミッドナイト|星降る夜に|"
            "夏の終わりに|さよならの前に|月曜日の空|帰り道|ひだまり|Sunrise Express"
        ),
        first=_split("夜明け|桜|雨|星|海|夏|月|風|青い|透明な"),
        second=_split("のメロディ|の手紙|の街|に|色の空|物語|の約束|のワルツ|の影"),
        given=_split("ひかり|ゆうと|さくら|蓮|美咲|翔|葵|陽菜"),
        family=_split("星野|山田|佐藤|高橋|中村|小林|森|藤井"),
        bands=_split("{a}バンド|{a}{b}|{b}クラブ"),
        albums=_split("{t}|ベスト・オブ・{n}|{t} (Deluxe Edition)|はじまりの歌"),
        minutes=(3.5, 5.0),
        joiner="",
        family_first=True,
        person_joiner="",
        suffixes=(" (Acoustic ver.)", " - TV size", " (Instrumental)"),
    ),
    "kpop": GenreWords(
        artists=_split("하늘빛|별빛소년단|NOVA:9|루미 (Lumi)|SEOUL STATION"),
        titles=_split(
            "여름밤의 꿈|너에게로|별이 빛나는 밤|첫눈|Run to You (달려가)|우리의 계절|"
            "Butterfly Effect|안녕, 나의 봄|파란 신호등|Starlight Call"
        ),
        first=_split("여름|별|바다|첫|너|하늘|밤|꿈|봄|우리"),
        second=_split("의 노래|에게|빛|이야기|처럼|의 계절|밤|편지"),
        given=_split("하늘|지민|서연|민준|유나|태오|수아"),
        family=_split("김|이|박|최|정|한"),
        bands=_split("{a}소년단|{a}{b}|{b} 클럽"),
        albums=_split("{t}|The {n}th Mini Album|{t} (Repackage)|Season {n}"),
        minutes=(3.0, 4.0),
        joiner="",
        family_first=True,
        person_joiner="",
        suffixes=(" (English Ver.)", " (Inst.)", " - Sped Up"),
    ),
    "vpop": GenreWords(
        artists=_split("Hà Anh Phương|Mây Trắng|Ngọc Lam|Sóng Nhạc|Trần Minh Khôi"),
        titles=_split(
            "Mưa Tháng Sáu|Hà Nội Mùa Thu|Em Về Đâu|Phố Cũ Còn Anh|Nắng Sài Gòn|Dòng Sông Xa|"
            "Chiều Hôm Ấy|Bình Yên Nơi Đâu|Gửi Em Một Mùa Hè|Đêm Trăng"
        ),
        first=_split("Mưa|Nắng|Phố|Em|Anh|Mùa|Hà Nội|Sài Gòn|Dòng Sông|Chiều"),
        second=_split("Tháng Sáu|Cũ|Về Đâu|Thu|Bình Yên|Xa Xôi|Hôm Ấy|Đã Qua|Của Em"),
        given=_split("Minh|Thảo|Anh|Ngọc|Phương|Tuấn|Hà|Lan|Khôi"),
        family=_split("Nguyễn|Trần|Lê|Phạm|Hoàng|Vũ"),
        bands=_split("{a} {b}|Nhóm {a}"),
        albums=_split("{t}|Tuyển Tập {n}|{t} (Acoustic)|Mùa Yêu"),
        minutes=(3.5, 5.0),
        family_first=True,
        suffixes=(" (Acoustic)", " - Lofi Version", " (Remix)"),
    ),
    "jazz": GenreWords(
        artists=_split(
            "The Blue Kettle Trio|Marguerite Vale Quartet|Bossa Brasa|Saxophone Lane|"
            "Copper Pan Quintet"
        ),
        titles=_split(
            "Simmer Slowly|Sunday Kitchen|Basil & Blue|Copper Pans|Lemon Bossa|Midnight Espresso|"
            "Garlic Waltz|Slow Brunch|Cinnamon Steps|Olive Grove Swing|Wooden Spoon Blues|"
            "Late Supper|Pan con Tomate|Saffron"
        ),
        first=_split("Blue|Slow|Sunday|Lemon|Copper|Velvet|Late|Smoky|Sweet"),
        second=_split("Bossa|Waltz|Swing|Blues|Brunch|Supper|Samba|Serenade|Standard"),
        given=_EN_GIVEN,
        family=_EN_FAMILY,
        bands=_split("The {a} {b} Trio|{a} {b} Quartet|{b} Brasa"),
        albums=_split("{t}|Live at the Blue Kettle|{t} Sessions|Standards, Vol. {n}"),
        minutes=(3.8, 7.0),
    ),
    "synthwave": GenreWords(
        artists=_split("Neon Grid|Midnight Compiler|VHS Dreams|Arcade Sunset|Chrome Division"),
        titles=_split(
            "Night Shift|Segfault at 2AM|Chrome Boulevard|Terminal Glow|Stack Overflow City|"
            "Afterhours.exe|Grid Runner|Cathode Rain|Dial-Up Love|Neon Debugger|Overclocked|"
            "Last Commit"
        ),
        first=_split("Neon|Chrome|Midnight|Cathode|Digital|Analog|Laser|Pixel"),
        second=_split("Grid|Boulevard|Runner|Rain|Drive|Dreams|Horizon|City|Signal"),
        given=_EN_GIVEN,
        family=_EN_FAMILY,
        bands=_split("{a} {b}|{b} Division|The {a} Project"),
        albums=_split("{t}|{t} (Extended Mixes)|Outrun {n}|Night Drive"),
        minutes=(3.5, 6.0),
    ),
    "gym": GenreWords(
        artists=_split("Iron Republic|Max Reps|Beast Mode Collective|Deadlift Disco|Plate Loaders"),
        titles=_split(
            "One More Rep|Heavy Lifting|Personal Best|No Days Off|Deadlift Dreams|Chalk Hands|"
            "Beast Mode|Pump It Louder|Final Set|Iron Paradise|Grind Season|Spotter"
        ),
        first=_split("Heavy|Iron|Final|Beast|Max|Raw|Hard|Loud"),
        second=_split("Reps|Set|Mode|Grind|Power|Paradise|Lift|Season"),
        given=_EN_GIVEN,
        family=_EN_FAMILY,
        bands=_split("{a} {b}|{b} Republic|The {a} Collective"),
        albums=_split("{t}|Workout Anthems, Vol. {n}|{t} (Gym Edit)|Max Effort"),
        minutes=(2.5, 4.0),
    ),
    **LIFE_GENRES,  # the messier lives' genres (yawyas.demo.names_life)
}


@dataclass(frozen=True)
class ShowWords:
    """A podcast: who makes it, how long episodes are, how often they come, what they are about."""

    publisher: str
    minutes: tuple[float, float]
    every_days: float
    topics: tuple[str, ...]
    numbered: bool = True


SHOWS: dict[str, ShowWords] = {
    "The Morning Brief": ShowWords(
        "Brief Media",
        (12, 22),
        1.4,
        _split(
            "Markets wobble|Election night recap|Heatwave warnings|A new space telescope|"
            "Rail strikes|The chip shortage|Central banks|Football transfer madness|Storm season"
        ),
        numbered=False,
    ),
    "Code & Coffee": ShowWords(
        "Indie Dev Radio",
        (38, 72),
        7,
        _split(
            "Why your tests are slow|SQLite is enough|Rust for Python people|Burnout and on-call|"
            "Type hints in anger|The joy of small tools|Postmortems|Naming things|Timezones, again"
        ),
    ),
    "History Hour": ShowWords(
        "Archive Sound",
        (45, 62),
        7,
        _split(
            "The Silk Road|The printing press|Lighthouses|The first marathon|Cartographers|"
            "The library of Alexandria|Tea clippers|Longitude|The Hanseatic League"
        ),
    ),
    "Parenting Out Loud": ShowWords(
        "Small Humans Media",
        (28, 45),
        7,
        _split(
            "Sleep regressions|Screen time|Toddler tantrums|Starting nursery|Sibling rivalry|"
            "Picky eaters|Bedtime routines"
        ),
    ),
    "Ciencia en 20 Minutos": ShowWords(
        "Ondas Públicas",
        (18, 24),
        7,
        _split(
            "Agujeros negros|El sueño|Vacunas|El origen del agua|Inteligencia artificial|"
            "Volcanes|El microbioma"
        ),
    ),
    "La Tertulia del Lunes": ShowWords(
        "Ondas Públicas",
        (50, 80),
        7,
        _split("Fútbol y política|El precio del alquiler|Series de la semana|Viajar barato"),
    ),
    "The Long Game": ShowWords(
        "Southern Cross Audio",
        (40, 60),
        7,
        _split("Ashes preview|The perfect long run|Grand final review|Surf season|Tennis summer"),
    ),
    "東京ビジネス通信": ShowWords(
        "東京ポッド",
        (18, 28),
        3.5,
        _split("円安の行方|スタートアップ特集|働き方改革|AIと仕事|新幹線の歴史"),
    ),
    "夜のラジオ": ShowWords(
        "東京ポッド",
        (30, 42),
        7,
        _split("眠れない夜に|お便り紹介|夏の怪談|旅の思い出|好きな映画"),
    ),
    "Kitchen Table Talks": ShowWords(
        "Home Studio",
        (20, 35),
        14,
        _split("Sourdough disasters|Knife skills|Cooking for one|The perfect paella"),
    ),
}


@dataclass(frozen=True)
class BookWords:
    """An audiobook: title, author, chapters and their length."""

    title: str
    author: str
    chapters: int
    minutes: tuple[float, float]


BOOKS: tuple[BookWords, ...] = (
    BookWords("The Lighthouse Keeper's Daughter", "Marian Holt", 24, (22, 40)),
    BookWords("A Short History of Rivers", "Tomás Ibarra", 18, (25, 45)),
    BookWords("Quiet Machines", "Ada Nakamura", 30, (18, 35)),
)

CHAPTER_WORDS = _split(
    "The Storm|Arrival|Letters|Low Tide|The Keeper|Night Watch|Old Charts|The Return|"
    "Fog|Departures|The Map Room|Salt|Homecoming|Embers|The Bridge"
)
