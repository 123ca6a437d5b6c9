"""The replica's default content: the five tracked articles, written for this project.

The URLs are the real tracked ones; titles, bylines and text are our own wording on the same
subjects, so tests and the demo never depend on (or redistribute) the portals' text.
"""
from __future__ import annotations

import datetime as dt

from beritawatch.testing.replica.render import ArticleSpec

WIB = dt.timezone(dt.timedelta(hours=7))

TRIBUNNEWS_URL = ("https://www.tribunnews.com/internasional/2023/07/29/"
                  "amerika-serikat-sebut-menhan-rusia-mau-borong-senjata-perang-saat-kekorea-utara")
DETIK_URL = ("https://news.detik.com/internasional/d-6769960/"
             "as-khawatir-korut-akan-kirim-lebih-banyak-senjata-ke-rusia")
REPUBLIKA_URL = ("https://internasional.republika.co.id/berita/s0kbre472/"
                 "as-ingatkan-korut-jangan-sekali-sekali-suplai-senjata-ke-rusia")
KALTIM_URL = ("https://kaltim.tribunnews.com/2023/09/05/"
              "ukraina-dan-nato-dalam-masalah-serius-korea-utara-buka-opsi-kirim-senjata-mematikan-ke-rusia")
TEMPO_URL = ("https://dunia.tempo.co/read/1768245/"
             "klaim-putin-dan-kim-jong-un-akan-bertemu-as-untuk-jual-beli-senjata")


def tracked_articles() -> list[ArticleSpec]:
    """Fresh specs of the five tracked articles (callers may edit their copies freely)."""
    return [
        ArticleSpec(
            url=TRIBUNNEWS_URL, portal="tribun",
            title="Washington Sebut Menhan Rusia Datang ke Pyongyang untuk Belanja Senjata",
            author="Rina Kusumawati", editor="Bagus Pratama",
            published=dt.datetime(2023, 7, 29, 9, 15, tzinfo=WIB),
            paragraphs=[
                ("TRIBUNNEWS.COM - Pemerintah Amerika Serikat menilai kunjungan Menteri Pertahanan Rusia ke Korea "
                 "Utara pekan ini bertujuan mencari pasokan senjata untuk perang di Ukraina."),
                ("Juru bicara Gedung Putih mengatakan Moskow sedang kekurangan amunisi setelah berbulan-bulan "
                 "bertempur di garis depan timur."),
                ("Menurut pejabat tersebut, Rusia berharap Pyongyang bersedia menjual peluru artileri dan roket dalam "
                 "jumlah besar."),
                ("Korea Utara membantah pernah mengirim senjata ke Rusia, tetapi Washington menyebut pihaknya memiliki "
                 "bukti pengiriman melalui jalur kereta."),
                ("Kunjungan itu disambut parade militer di Pyongyang yang menampilkan rudal balistik antarbenua "
                 "terbaru."),
                ("Sejumlah analis menilai kedekatan kedua negara bisa melemahkan sanksi Dewan Keamanan PBB terhadap "
                 "program senjata Korea Utara."),
            ],
        ),
        ArticleSpec(
            url=DETIK_URL, portal="detik",
            title="AS Cemas Korut Bakal Pasok Lebih Banyak Senjata untuk Rusia",
            author="Dimas Ardiansyah", desk="dma/ega",
            published=dt.datetime(2023, 6, 13, 12, 57, tzinfo=WIB), pages=2,
            paragraphs=[
                ("Washington DC - Amerika Serikat menyatakan kekhawatiran bahwa Korea Utara akan menambah pasokan "
                 "senjata untuk Rusia setelah Kim Jong Un menjanjikan kerja sama strategis yang lebih erat dengan "
                 "Moskow."),
                ("Janji itu disampaikan Kim dalam pesan ucapan kepada Presiden Vladimir Putin pada peringatan Hari "
                 "Nasional Rusia, menurut laporan kantor berita resmi Korut."),
                ("Dewan Keamanan Nasional AS menyebut Pyongyang telah mengirim roket dan rudal infanteri kepada "
                 "kelompok tentara bayaran Rusia tahun lalu."),
                ("Seorang pejabat AS mengatakan Washington akan terus mengungkap setiap upaya pengiriman senjata yang "
                 "melanggar resolusi PBB."),
                "Rusia dan Korea Utara sama-sama membantah adanya transaksi senjata di antara keduanya.",
                ("Para diplomat di Seoul memperkirakan isu ini akan dibahas dalam pertemuan menteri luar negeri "
                 "negara-negara G7 bulan depan."),
            ],
        ),
        ArticleSpec(
            url=REPUBLIKA_URL, portal="republika",
            title="AS Peringatkan Korut Agar Tidak Memasok Senjata ke Rusia",
            author="Siti Marlina", editor="Hendra Gunawan",
            published=dt.datetime(2023, 9, 5, 10, 40, tzinfo=WIB),
            paragraphs=[
                ("REPUBLIKA.CO.ID, WASHINGTON -- Amerika Serikat memperingatkan Korea Utara agar tidak menjual senjata "
                 "kepada Rusia, seraya menyebut Pyongyang akan menanggung akibatnya bila tetap melakukannya."),
                ("Penasihat keamanan nasional AS mengatakan perundingan senjata antara kedua negara bergerak maju dan "
                 "mungkin berlanjut di tingkat pemimpin."),
                "Menurut Washington, Rusia mencari peluru artileri serta bahan baku untuk industri pertahanannya.",
                "Korea Utara belum memberikan tanggapan resmi atas peringatan tersebut.",
                "Kremlin sebelumnya menyatakan hubungan Moskow dan Pyongyang tidak ditujukan kepada negara lain.",
            ],
        ),
        ArticleSpec(
            url=KALTIM_URL, portal="tribun",
            title="Korea Utara Buka Peluang Kirim Senjata ke Rusia, Ukraina dan NATO Waspada",
            author="Yohanes Tarigan", editor="Ayu Lestari",
            published=dt.datetime(2023, 9, 5, 14, 5, tzinfo=WIB), pages=3,
            paragraphs=[
                ("TRIBUNKALTIM.CO - Korea Utara disebut membuka kemungkinan mengirim senjata mematikan ke Rusia, "
                 "sebuah langkah yang dinilai berbahaya bagi Ukraina dan sekutunya di NATO."),
                ("Laporan intelijen Barat menyebut Pyongyang memiliki stok besar peluru artileri kaliber 152 milimeter "
                 "yang cocok dengan meriam buatan Soviet."),
                ("Seorang pejabat NATO mengatakan pasokan itu dapat membantu Rusia mempertahankan tempo serangan "
                 "selama musim dingin."),
                ("Kim Jong Un dijadwalkan bertemu Vladimir Putin di wilayah timur jauh Rusia dalam beberapa pekan "
                 "mendatang."),
                ("Pertemuan tersebut diperkirakan membahas kerja sama militer, termasuk teknologi satelit dan kapal "
                 "selam."),
                "Ukraina meminta mitra-mitranya memperketat pengawasan terhadap jalur logistik antara kedua negara.",
                ("Sementara itu, Jepang dan Korea Selatan menyatakan akan meningkatkan patroli di perairan sekitar "
                 "Semenanjung Korea."),
            ],
        ),
        ArticleSpec(
            url=TEMPO_URL, portal="tempo",
            title="AS: Putin dan Kim Jong Un Akan Bertemu Bahas Jual Beli Senjata",
            author="Lestari Wulandari",
            published=dt.datetime(2023, 9, 5, 16, 30, tzinfo=WIB),
            paragraphs=[
                ("TEMPO.CO, Jakarta - Gedung Putih menyatakan Presiden Rusia Vladimir Putin dan pemimpin Korea Utara "
                 "Kim Jong Un akan bertemu untuk membicarakan penjualan senjata bagi perang Rusia di Ukraina."),
                ("Menurut Washington, Moskow menginginkan peluru artileri dan rudal antitank, sementara Pyongyang "
                 "mengincar teknologi satelit serta bantuan pangan."),
                "Kremlin menolak berkomentar mengenai rencana pertemuan tersebut.",
                ("Amerika Serikat mendesak Korea Utara menghentikan pembicaraan senjata dan mematuhi komitmen "
                 "publiknya untuk tidak menjual senjata ke Rusia."),
                "Kunjungan Kim ke Rusia akan menjadi perjalanan luar negeri pertamanya sejak pandemi.",
            ],
        ),
    ]
