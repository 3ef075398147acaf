"""Fill a running system with demo data, through its own APIs as people would (`make seed`).

A catalog of lamps, desks, chairs, shelves and textiles, with prices, stock (a few sold
out) and one product taken off sale; a demo customer (DEMO_CUSTOMER_EMAIL and its password
in .env) with an order history: one order confirmed, one cancelled; and a few items in each
plain service. Running it again changes nothing that is there already. It signs in with the
identity service's accounts: with Keycloak, sign in to the shop as staff to add products.

    python -m scripts.seed            # make seed
    python -m scripts.seed --if-empty # only into an empty catalog (what make dev does)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from scripts.gateway_client import gateway_client
from scripts.native import MissingServer, project_env
from scripts.project import identity_issues_tokens, plain_services, services


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    description: str
    price: str
    stock: int
    on_sale: bool = True


CATALOG = (
    Product("LAMP-ARC", "Arc floor lamp", "A brass arc that reaches over a sofa.", "189.00", 12),
    Product("LAMP-DESK", "Desk lamp", "Adjustable arm, warm LED, a heavy cast base.", "49.90", 40),
    Product("LAMP-PENDANT", "Opal pendant", "A glass globe that glows softly.", "79.00", 18),
    Product("LAMP-READING", "Reading lamp", "A narrow beam for the armchair corner.", "64.50", 0),
    Product("LAMP-TABLE", "Linen table lamp", "Ceramic base, natural linen shade.", "58.00", 25),
    Product("DESK-OAK", "Oak writing desk", "Solid oak, two drawers, 120 x 60 cm.", "449.00", 6),
    Product(
        "DESK-STAND", "Standing desk", "Electric, from 72 to 120 cm, memory presets.", "599.00", 4
    ),
    Product(
        "DESK-FOLD", "Folding wall desk", "Folds flat against the wall when work ends.", "139.00", 9
    ),
    Product("DESK-KIDS", "Children's desk", "Grows with them: three heights.", "159.00", 0),
    Product(
        "CHAIR-TASK", "Task chair", "Breathable mesh, adjustable lumbar support.", "229.00", 15
    ),
    Product("CHAIR-WOOD", "Windsor chair", "Steam-bent ash, a classic shape.", "119.00", 20),
    Product("CHAIR-LOUNGE", "Lounge chair", "Deep seat, wool upholstery.", "689.00", 3),
    Product("CHAIR-STOOL", "Bar stool", "Powder-coated steel, a footrest ring.", "79.00", 30),
    Product("CHAIR-CHILD", "Child's chair", "Birch plywood, rounded corners.", "45.00", 22),
    Product("SHELF-WALL", "Floating shelf", "Hidden brackets, 80 cm of walnut.", "39.00", 60),
    Product("SHELF-LADDER", "Ladder shelf", "Five tiers leaning on the wall.", "99.00", 11),
    Product("SHELF-CUBE", "Cube bookcase", "Nine cubes; stands or lies down.", "149.00", 7),
    Product("SHELF-CORNER", "Corner shelf", "Makes use of the corner nobody uses.", "69.00", 0),
    Product("SHELF-PLANT", "Plant stand", "Three levels of light for green things.", "54.00", 16),
    Product("TEXT-THROW", "Wool throw", "Merino, 130 x 170 cm, in moss.", "89.00", 35),
    Product("TEXT-CUSHION", "Linen cushion", "Washed linen cover, feather filling.", "29.00", 80),
    Product("TEXT-RUG", "Flatweave rug", "Cotton, 160 x 230 cm, reversible.", "179.00", 8),
    Product(
        "TEXT-CURTAIN", "Blackout curtain", "For the light sleeper, 140 x 250 cm.", "59.00", 24
    ),
    Product("TEXT-TOWEL", "Waffle towel set", "Two bath towels, quick to dry.", "39.90", 45),
    Product(
        "LAMP-SCONCE",
        "Wall sconce",
        "Discontinued: the last ones are gone.",
        "74.00",
        2,
        on_sale=False,
    ),
)
CURRENCY = "EUR"
ITEMS = ("Brass key hook", "Linen apron", "Oak cutting board")


class Seeding(Exception):
    """The system refused something a seed needs; the message says what."""


class Shop:
    """The system, through its gateway, as staff or as the demo customer."""

    def __init__(self, gateway: str) -> None:
        self.http = gateway_client(gateway)

    def sign_in(self, email: str, password: str) -> dict[str, str]:
        response = self._ask_for_tokens(email, password)
        if response.status_code != 200:
            raise Seeding(f"signing in as {email} failed: {response.status_code} {response.text}")
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def customer(self, email: str, password: str) -> dict[str, str]:
        """The demo customer signed in, registered first if it cannot sign in yet.

        Registering answers alike whether the address has an account or not (and tells the
        owner of one that someone tried), so the seed signs in first and registers only
        when that fails: seeding again sends the demo customer no e-mail.
        """
        if (tokens := self._ask_for_tokens(email, password)).status_code == 200:
            return {"Authorization": f"Bearer {tokens.json()['access_token']}"}
        body = {"email": email, "password": password, "full_name": "Demo Customer"}
        registered = self.http.post("/api/identity/accounts/", json=body)
        if registered.status_code != 202:
            raise Seeding(f"registering {email} failed: {registered.text}")
        return self.sign_in(email, password)

    def _ask_for_tokens(self, email: str, password: str) -> httpx.Response:
        return self.http.post("/api/identity/tokens/", json={"email": email, "password": password})

    def read(self, url: str, **options: object) -> dict:
        return self.http.get(url, **options).raise_for_status().json()

    def product(self, sku: str) -> dict | None:
        found = self.read("/api/catalog/products/", params={"search": sku})
        return next((p for p in found["results"] if p["sku"] == sku), None)

    def catalog_size(self) -> int:
        return self.read("/api/catalog/products/", params={"page_size": 1})["count"]

    def stock(self, staff: dict[str, str], wanted: Product) -> dict:
        """The product as wanted: made if missing, its stock and sale status set."""
        product = self.product(wanted.sku)
        if product is None:
            body = {
                "sku": wanted.sku,
                "name": wanted.name,
                "description": wanted.description,
                "price": wanted.price,
                "currency": CURRENCY,
            }
            made = self.http.post("/api/catalog/products/", json=body, headers=staff)
            if made.status_code != 201:
                raise Seeding(f"{wanted.sku}: {made.text}")
            product = made.json()
        url = f"/api/catalog/products/{product['id']}/"
        change = wanted.stock - product["available"]
        if change:
            adjusted = self.http.post(
                f"{url}stock-adjustments/", json={"change": change}, headers=staff
            )
            if adjusted.status_code != 200:
                raise Seeding(f"{wanted.sku}: {adjusted.text}")
        if product["active"] != wanted.on_sale:
            action = "activate" if wanted.on_sale else "deactivate"
            self.http.post(f"{url}{action}/", headers=staff).raise_for_status()
        return product

    def orders(self, customer: dict[str, str]) -> list[dict]:
        return self.read("/api/orders/orders/", headers=customer)["results"]

    def order(self, customer: dict[str, str], product_id: str, quantity: int) -> dict:
        """An order placed, once orders has heard of the product, and settled."""
        body = {"lines": [{"product_id": product_id, "quantity": quantity}]}
        placed = self._until(
            lambda: self.http.post("/api/orders/orders/", json=body, headers=customer),
            lambda response: response.status_code == 201,
            "orders never heard of the product",
        ).json()
        return self._until(
            lambda: self.read(f"/api/orders/orders/{placed['id']}/", headers=customer),
            lambda order: order["status"] != "pending",
            f"order {placed['id']} never settled",
        )

    def items(self, service: str, customer: dict[str, str]) -> None:
        url = f"/api/{service}/items/"
        if self.read(url)["count"]:
            return
        for name in ITEMS:
            made = self.http.post(url, json={"name": name}, headers=customer)
            if made.status_code != 201:
                raise Seeding(f"{service}: {made.text}")

    @staticmethod
    def _until(read: Callable[[], object], done: Callable[[object], bool], what: str) -> object:
        deadline = time.monotonic() + 60
        while not done(value := read()):
            if time.monotonic() > deadline:
                raise Seeding(what)
            time.sleep(0.3)
        return value


def seed(env: dict[str, str], *, if_empty: bool) -> list[str]:
    """Seed the system of `env`; what was done, in lines a person reads."""
    if not identity_issues_tokens():
        return ["Nothing seeded: the demo data is made with the identity service's accounts."]
    present = services()
    shop = Shop(f"http://127.0.0.1:{env['GATEWAY_PORT']}")
    if if_empty and "catalog" in present and shop.catalog_size():
        return []
    staff = shop.sign_in(env["IDENTITY_STAFF_EMAIL"], env["IDENTITY_STAFF_PASSWORD"])
    customer = shop.customer(env["DEMO_CUSTOMER_EMAIL"], env["DEMO_CUSTOMER_PASSWORD"])
    done = [f"Demo customer {env['DEMO_CUSTOMER_EMAIL']} ready."]
    if "catalog" in present:
        products = {wanted.sku: shop.stock(staff, wanted) for wanted in CATALOG}
        done.append(f"Catalog: {len(products)} products ({CURRENCY}).")
        if "orders" in present and len(shop.orders(customer)) < 2:
            shop.order(customer, products["LAMP-DESK"]["id"], 1)
            cancelled = shop.order(customer, products["TEXT-CUSHION"]["id"], 2)
            cancel = f"/api/orders/orders/{cancelled['id']}/cancel/"
            shop.http.post(cancel, headers=customer).raise_for_status()
            done.append("Orders: one confirmed, one cancelled, for the demo customer.")
    for service in plain_services():
        shop.items(service, customer)
        done.append(f"{service}: a few items.")
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--if-empty", action="store_true", help="only into an empty catalog")
    arguments = parser.parse_args()
    try:
        lines = seed(project_env(), if_empty=arguments.if_empty)
    except (MissingServer, Seeding, httpx.HTTPError) as error:
        print(f"error: seeding failed: {error}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
