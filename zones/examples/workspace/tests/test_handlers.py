from app.handlers import list_orders, render_health


def test_list_orders_pages():
    orders = [{"id": i} for i in range(120)]
    assert len(list_orders(orders, page=2)) == 20


def test_health():
    assert render_health() == {"status": "ok"}
