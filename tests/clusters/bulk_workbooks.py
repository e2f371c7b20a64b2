"""Set-up workbooks built for the tests, in the layout the import reads."""

import io

from openpyxl import Workbook

from clusters.bulk.layout import SHEETS


def workbook(**sheets):
    """workbook(units=[[...], ...], members=[...]): the given sheets with their header row."""
    wb = Workbook()
    wb.remove(wb.active)
    for key, rows in sheets.items():
        name, columns = SHEETS[key]
        ws = wb.create_sheet(name)
        ws.append([label for _key, label in columns])
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def province_rows(code, *, n_units=300, n_clusters=35, year=2026, accounts=True):
    """A province's set-up: districts and their communes, clusters and blocks, every unit a member
    of one cluster in `year` with a head and a deputy, and a secretary per cluster's head unit."""
    n_districts = max(1, n_units // 15)
    units, members, users = [], [], []
    for d in range(n_districts):
        units.append([f"h{d:02}", f"Huyện Thử {d}", f"Thử {d}", "huyện", "", f"Lê Văn {d}", code])
    for i in range(n_units - n_districts):
        parent = f"h{i % n_districts:02}"
        units.append([f"x{i:03}", f"Xã Thử {i}", f"Thử {i}", "xã", parent, f"Trần Thị {i}", ""])
    clusters = [
        [f"c{c:02}", f"Cụm thi đua số {c}", "cụm" if c % 3 else "khối", "", "", ""] for c in range(n_clusters)
    ]
    codes = [u[0] for u in units]
    for i, unit in enumerate(codes):
        c = i % n_clusters
        role = "trưởng cụm" if i < n_clusters else "phó trưởng cụm" if i < 2 * n_clusters else "thành viên"
        members.append([year, f"c{c:02}", unit, role])
        if accounts and i < n_clusters:
            users.append(
                [
                    f"tk{i:03}",
                    f"Phạm Văn {i}",
                    f"tk{i}@example.vn",
                    unit,
                    "Chuyên viên",
                    "thư ký cụm, cán bộ đơn vị",
                ]
            )
    return {"units": units, "clusters": clusters, "members": members, "accounts": users}
