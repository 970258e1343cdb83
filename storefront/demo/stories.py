"""Eight fictional founder stories for the demo. Every person and business is invented."""

STORIES = [
    {
        "slug": "sepatu-dari-garasi",
        "type": "sepatu",
        "title": "Dari garasi rumah, sepatu kulit yang dipesan sampai Makassar",
        "intro": "{founder} dulu menjahit sepatu pesanan tetangga di garasi. Kini {business} punya bengkel sendiri "
        "dan pelanggan tetap dari luar Jakarta.",
        "paragraphs": [
            "Awalnya hanya satu mesin jahit bekas dan kulit sisa dari pabrik. {founder} belajar membuat pola dari "
            "video dan dari seorang perajin senior di {kecamatan}.",
            "Lewat pelatihan OK OCE, {founder} belajar menghitung harga pokok dan memotret produk. Penjualan naik "
            "setelah sepatu pantofelnya masuk OK OCE Mart.",
        ],
        "quote": "Sepatu yang baik itu yang dijahit dengan sabar. Pelanggan bisa merasakannya.",
        "numbers": [("12", "perajin"), ("1.800", "pasang per tahun"), ("3", "kota pelanggan tetap")],
    },
    {
        "slug": "rendang-kotak-kayu",
        "type": "makanan-kemasan",
        "title": "Rendang dalam kotak kayu daur ulang",
        "intro": "{business} mengemas rendang dalam kotak dari kayu palet bekas, sehingga oleh-oleh dari "
        "{kecamatan} ini tidak menambah sampah plastik.",
        "paragraphs": [
            "Resep rendang keluarga {founder} dimasak delapan jam dengan api kecil. Yang membuatnya dikenal adalah "
            "kemasannya: kotak kayu dari palet bekas gudang yang diampelas dan dibakar tulisan merek.",
            "Kotak dibuat oleh pemuda karang taruna setempat. Setiap kotak yang kembali ditukar potongan harga.",
        ],
        "quote": "Kami ingin oleh-oleh Jakarta yang enak dan tidak meninggalkan sampah.",
        "numbers": [("8 jam", "waktu memasak"), ("2.400", "kotak kayu dipakai ulang"), ("9", "pekerja dapur")],
    },
    {
        "slug": "kerudung-ibu-ibu-kampung",
        "type": "kerudung",
        "title": "Kerudung yang dijahit ibu-ibu satu kampung",
        "intro": "{founder} mengajak tetangga yang di rumah saja untuk menjahit kerudung. Sekarang {business} "
        "memberi penghasilan tambahan bagi banyak keluarga di {kecamatan}.",
        "paragraphs": [
            "Setiap pagi kain dibagikan, sore hari kerudung yang sudah dijahit dikumpulkan dan diperiksa. "
            "{founder} membayar per potong, tunai, setiap Jumat.",
            "Pelatihan OK OCE membantu {founder} menata pembukuan dan mendaftarkan merek.",
        ],
        "quote": "Yang paling membahagiakan adalah melihat tetangga bisa membayar sekolah anaknya sendiri.",
        "numbers": [("23", "penjahit rumahan"), ("6", "warna andalan"), ("700", "kerudung per bulan")],
    },
    {
        "slug": "camilan-15-gerai",
        "type": "makanan-kemasan",
        "title": "Camilan dengan 15 gerai yang dijalankan bagi hasil",
        "intro": "{business} tidak membuka cabang sendiri: 15 gerainya dijalankan warga dengan bagi hasil, "
        "dan dapur pusatnya tetap di {kecamatan}.",
        "paragraphs": [
            "{founder} memulai dengan keripik singkong balado yang dititipkan di warung. Ketika permintaan naik, "
            "ia menawarkan warga untuk membuka gerai kecil dengan sistem bagi hasil.",
            "Dapur pusat memasok bumbu dan kemasan; pengelola gerai menyimpan 40 persen dari penjualan.",
        ],
        "quote": "Kalau gerai untung, kami untung. Kalau gerai rugi, kami cari jalan bersama.",
        "numbers": [("15", "gerai bagi hasil"), ("40%", "bagian pengelola gerai"), ("31", "orang bekerja")],
    },
    {
        "slug": "batik-betawi-anak-muda",
        "type": "pakaian",
        "title": "Batik Betawi untuk anak muda",
        "intro": "{founder} ingin batik Betawi dipakai ke kampus dan kantor. {business} membuat potongan modern "
        "dengan motif ondel-ondel dan tumpal.",
        "paragraphs": [
            "Motif digambar sendiri, lalu dicetak dan diwarnai di bengkel kecil di {kecamatan}.",
            "Di OK OCE Mart, kemeja batik {business} jadi salah satu yang paling cepat habis menjelang Lebaran.",
        ],
        "quote": "Batik bukan cuma untuk kondangan.",
        "numbers": [("40", "motif sendiri"), ("5", "penjahit"), ("1", "toko di OK OCE Mart")],
    },
    {
        "slug": "anyaman-purun",
        "type": "kerajinan",
        "title": "Tas anyaman purun yang menembus pasar oleh-oleh",
        "intro": "Purun, rumput rawa yang dulu dianggap tak berguna, dianyam {business} menjadi tas yang dicari "
        "wisatawan.",
        "paragraphs": [
            "{founder} belajar menganyam dari ibunya. Bersama tetangga di {kecamatan}, ia menambah warna dan "
            "lapisan kain agar tas lebih kuat.",
            "Setiap tas dianyam dua hari. Karena dibuat tangan, tidak ada dua tas yang sama persis.",
        ],
        "quote": "Tangan ibu-ibu di sini sudah hafal pola anyaman tanpa melihat.",
        "numbers": [("2 hari", "untuk satu tas"), ("14", "penganyam"), ("60%", "pembeli wisatawan")],
    },
    {
        "slug": "sambal-cumi-dari-pesisir",
        "type": "makanan-kemasan",
        "title": "Sambal cumi dari pesisir utara",
        "intro": "{business} mengolah cumi dari nelayan sekitar menjadi sambal dalam botol kaca. "
        "Nelayan mendapat harga tetap, pembeli mendapat sambal yang segar.",
        "paragraphs": [
            "{founder} membeli cumi langsung dari nelayan dengan harga yang disepakati di awal bulan.",
            "Setelah mendapat nomor P-IRT dan sertifikat halal, sambal {business} masuk ke OK OCE Mart.",
        ],
        "quote": "Kami ingin nelayan ikut merasakan hasilnya.",
        "numbers": [("11", "nelayan pemasok"), ("6 bulan", "masa simpan"), ("3", "varian rasa")],
    },
    {
        "slug": "sneakers-kanvas-lokal",
        "type": "sepatu",
        "title": "Sneakers kanvas yang dirakit di gang sempit",
        "intro": "Dari gang selebar satu motor di {kecamatan}, {business} merakit sneakers kanvas yang kini "
        "dipakai pelajar di seluruh Jakarta.",
        "paragraphs": [
            "{founder} mulai dengan sepuluh pasang pesanan teman sekolah. Sol dibeli dari pemasok lokal, "
            "kanvas disablon sendiri.",
            "Pendampingan OK OCE membantu {business} mendapatkan pinjaman modal untuk mesin press sol.",
        ],
        "quote": "Sepatu lokal bisa keren, asal kita serius.",
        "numbers": [("10", "pasang pertama"), ("350", "pasang per bulan"), ("8", "karyawan")],
    },
]
