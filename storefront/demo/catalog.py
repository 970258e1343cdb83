"""Word lists and product templates for the demo catalogue.

Every business, founder and product here is invented. Names are built from
common Indonesian given names and made-up brand words, not taken from any
real person or company.
"""

FIRST_NAMES = [
    "Siti", "Dewi", "Rina", "Ayu", "Nur", "Fitri", "Wulan", "Intan", "Lestari", "Maya",
    "Budi", "Agus", "Eko", "Hendra", "Rudi", "Yusuf", "Fajar", "Joko", "Rizki", "Dimas",
    "Ratna", "Sari", "Indah", "Putri", "Yanti", "Bambang", "Teguh", "Arif", "Wahyu", "Taufik",
]
LAST_NAMES = [
    "Rahmawati", "Wijayanti", "Pratiwi", "Kusumawardani", "Handayani", "Saputra", "Nugroho",
    "Hidayat", "Setiawan", "Purnomo", "Lubis", "Siregar", "Harahap", "Marpaung", "Nasution",
    "Anggraini", "Permatasari", "Susanti", "Gunawan", "Kurniawan", "Maulana", "Ramadhan",
]

# Kecamatan slugs that host demo businesses: 30 kecamatan across all 6 kota.
DEMO_KECAMATAN = [
    "kepulauan-seribu-utara", "kepulauan-seribu-selatan",
    "gambir", "tanah-abang", "menteng", "senen", "kemayoran",
    "penjaringan", "koja", "cilincing", "tanjung-priok",
    "cengkareng", "kebon-jeruk", "palmerah", "kalideres", "tambora",
    "mampang-prapatan", "jagakarsa", "tebet", "kebayoran-baru", "cilandak", "pasar-minggu", "setiabudi",
    "jatinegara", "duren-sawit", "cakung", "kramat-jati", "pulo-gadung", "ciracas", "makasar",
]

# One entry per product type: how its businesses are named and what they make.
PRODUCT_TYPES = {
    "sepatu": {
        "name": "Sepatu",
        "category": "Sepatu",
        "brand_words": ["Langkah", "Jejak", "Tapak", "Derap", "Pijak", "Jalan"],
        "brand_suffix": ["Betawi", "Nusantara", "Kota", "Sejati", "Muda", "Rakyat"],
        "business_prefix": "Sepatu",
        "items": [
            ("Sepatu Pantofel Kulit", "kulit sapi", 285000, 475000),
            ("Sneakers Kanvas", "kanvas", 165000, 265000),
            ("Sepatu Boots Kulit", "kulit sapi", 395000, 650000),
            ("Sandal Kulit Anyam", "kulit domba", 95000, 185000),
            ("Slip-on Batik", "kanvas batik", 145000, 225000),
            ("Loafer Suede", "suede", 255000, 395000),
        ],
        "styles": ["Arunika", "Senja", "Kenari", "Cempaka", "Baskara", "Laksana", "Sagara", "Anggrek"],
        "sizes": ["38", "39", "40", "41", "42", "43"],
        "variant_attr": "ukuran",
        "story": "Menjahit sepatu sejak {year} di bengkel kecil di {kecamatan}, kini bersama {staff} perajin.",
    },
    "pakaian": {
        "name": "Pakaian",
        "category": "Pakaian",
        "brand_words": ["Lurik", "Tenun", "Benang", "Serat", "Kain", "Corak"],
        "brand_suffix": ["Kita", "Ibu Kota", "Ondel", "Jakarta", "Cinta", "Sejahtera"],
        "business_prefix": "Konveksi",
        "items": [
            ("Kemeja Batik Betawi", "katun primisima", 175000, 325000),
            ("Kaos Sablon Ondel-ondel", "katun combed 30s", 85000, 125000),
            ("Gamis Katun", "katun rayon", 185000, 295000),
            ("Kemeja Tenun", "tenun ATBM", 245000, 425000),
            ("Outer Lurik", "lurik", 195000, 285000),
            ("Celana Kulot Linen", "linen", 135000, 195000),
        ],
        "styles": ["Nusa", "Kembang", "Mega", "Sekar", "Padma", "Kawung", "Parang", "Tumpal"],
        "sizes": ["S", "M", "L", "XL"],
        "variant_attr": "ukuran",
        "story": "Berawal dari satu mesin jahit di rumah di {kecamatan} tahun {year}, kini mempekerjakan {staff} penjahit.",
    },
    "kerudung": {
        "name": "Kerudung",
        "category": "Kerudung",
        "brand_words": ["Hijab", "Kerudung", "Jilbab", "Selendang"],
        "brand_suffix": ["Nur", "Salwa", "Azzahra", "Kamila", "Nadhira", "Humaira"],
        "business_prefix": "",
        "items": [
            ("Kerudung Segi Empat Voal", "voal", 65000, 115000),
            ("Pashmina Ceruty", "ceruty babydoll", 55000, 95000),
            ("Bergo Jersey Instan", "jersey", 45000, 85000),
            ("Kerudung Motif Batik", "voal premium", 85000, 145000),
            ("Khimar Wolfis", "wolfis", 75000, 135000),
        ],
        "styles": ["Melati", "Kenanga", "Lavender", "Sakura", "Mawar", "Aster"],
        "colours": ["Hitam", "Navy", "Maroon", "Krem", "Hijau Sage", "Abu-abu"],
        "dimensions": ["115 x 115 cm", "175 x 75 cm", "110 x 110 cm", "180 x 70 cm"],
        "variant_attr": "warna",
        "story": "Mulai menjual kerudung dari rumah di {kecamatan} pada {year}; kini {staff} ibu rumah tangga ikut menjahit.",
    },
    "makanan-kemasan": {
        "name": "Makanan Kemasan",
        "category": "Makanan",
        "brand_words": ["Dapur", "Rasa", "Sambal", "Kripik", "Camilan", "Bumbu"],
        "brand_suffix": ["Uni", "Mak", "Bunda", "Nenek", "Bang", "Mpok"],
        "business_prefix": "",
        "items": [
            ("Rendang Daging Sapi", "Makanan > Rendang", 95000, 185000, 250),
            ("Rendang Paru Kering", "Makanan > Rendang", 75000, 125000, 200),
            ("Keripik Singkong Balado", "Makanan > Camilan", 18000, 35000, 150),
            ("Kerupuk Kulit Ikan", "Makanan > Camilan", 25000, 45000, 100),
            ("Sambal Cumi Asin", "Makanan > Sambal", 35000, 65000, 180),
            ("Kue Kering Nastar", "Makanan > Camilan", 65000, 125000, 500),
            ("Dodol Betawi", "Makanan > Camilan", 30000, 55000, 400),
            ("Sambal Bawang Roa", "Makanan > Sambal", 38000, 60000, 190),
        ],
        "styles": ["Original", "Pedas", "Ekstra Pedas", "Keluarga", "Hemat", "Spesial"],
        "story": "Resep keluarga yang mulai dikemas di dapur rumah di {kecamatan} pada {year}; kini {staff} orang bekerja di dapur produksi.",
    },
    "kerajinan": {
        "name": "Kerajinan",
        "category": "Kerajinan",
        "brand_words": ["Anyam", "Ukir", "Karya", "Tangan", "Rotan", "Lontar"],
        "brand_suffix": ["Kreasi", "Lestari", "Indah", "Cipta", "Mandiri", "Asri"],
        "business_prefix": "",
        "items": [
            ("Tas Anyaman Purun", "purun", 85000, 165000),
            ("Miniatur Ondel-ondel", "kayu dan kain perca", 125000, 275000),
            ("Tempat Tisu Rotan", "rotan", 55000, 95000),
            ("Gantungan Kunci Kulit", "kulit sapi", 15000, 35000),
            ("Keranjang Bambu", "bambu", 65000, 135000),
            ("Hiasan Dinding Batik Kayu", "kayu mahoni", 145000, 325000),
        ],
        "styles": ["Asri", "Klasik", "Mungil", "Jumbo", "Natural", "Warna-warni"],
        "story": "Kerajinan tangan dari {kecamatan} sejak {year}, melibatkan {staff} perajin dari lingkungan sekitar.",
    },
}

# Colours for drawn images: one background and one accent per type.
TYPE_COLOURS = {
    "sepatu": ((122, 72, 44), (245, 222, 196)),
    "pakaian": ((30, 84, 124), (214, 233, 247)),
    "kerudung": ((140, 60, 110), (248, 220, 236)),
    "makanan-kemasan": ((176, 60, 32), (253, 231, 200)),
    "kerajinan": ((64, 110, 56), (226, 240, 210)),
}

DESCRIPTIONS = {
    "sepatu": "{title} buatan tangan perajin {business} di {kecamatan}. Bahan {material}, sol karet anti-slip "
    "dan jahitan rapat sehingga awet dipakai sehari-hari. Tersedia ukuran {sizes}.",
    "pakaian": "{title} dari {business}, dijahit di {kecamatan}. Bahan {material} yang adem untuk cuaca Jakarta, "
    "potongan rapi dan nyaman. Pilih ukuran {sizes}.",
    "kerudung": "{title} dari {business} di {kecamatan}. Bahan {material} yang jatuh, tidak menerawang dan mudah "
    "dibentuk. Ukuran {dimensions}. Pilihan warna: {colours}.",
    "makanan-kemasan": "{title} dari {business}, diolah di dapur produksi di {kecamatan} tanpa pengawet. Berat "
    "bersih {weight} gram, tahan {shelf_life} hari dalam kemasan tertutup. Bersertifikat halal.",
    "kerajinan": "{title} karya perajin {business} di {kecamatan}. Dibuat dari {material}, setiap buah sedikit "
    "berbeda karena dikerjakan dengan tangan.",
}

MART_HOURS = {
    # weekday -> (opens, closes); Sunday shorter.
    **{day: ("09:00", "21:00") for day in range(6)},
    6: ("10:00", "18:00"),
}

MARTS = [
    ("OK OCE Mart Pulau Pramuka", "kepulauan-seribu-utara", "Jl. Dermaga Pulau Pramuka No. 3"),
    ("OK OCE Mart Gambir", "gambir", "Jl. Kebon Kelapa Raya No. 12"),
    ("OK OCE Mart Tanah Abang", "tanah-abang", "Jl. Kebon Kacang Raya No. 45"),
    ("OK OCE Mart Koja", "koja", "Jl. Mindi Raya No. 8"),
    ("OK OCE Mart Kebon Jeruk", "kebon-jeruk", "Jl. Panjang No. 21"),
    ("OK OCE Mart Mampang Prapatan", "mampang-prapatan", "Jl. Kapten Tendean No. 30"),
    ("OK OCE Mart Jagakarsa", "jagakarsa", "Jl. Moh. Kahfi II No. 17"),
    ("OK OCE Mart Duren Sawit", "duren-sawit", "Jl. Kolonel Sugiono No. 5"),
    ("OK OCE Mart Cakung", "cakung", "Jl. Penggilingan Raya No. 40"),
]
