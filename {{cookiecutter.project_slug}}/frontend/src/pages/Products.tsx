import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { catalog } from "../api/client";
import { formatMoney, toCents } from "../cart";
import { Pagination } from "../components/Pagination";
import { ProblemMessage } from "../components/ProblemMessage";
import { useServiceData } from "../useServiceData";

export const PAGE_SIZE = 12;

export function Products() {
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.get("search") ?? "";
  const page = Number(searchParams.get("page") ?? "1");
  const [draft, setDraft] = useState(search);
  const { data, problem } = useServiceData(
    () => catalog.GET("/products/", { params: { query: { search, page, page_size: PAGE_SIZE, active: true } } }),
    `${search}|${page}`,
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setSearchParams(draft ? { search: draft } : {});
  }

  return (
    <section aria-labelledby="products-title">
      <h1 id="products-title">Products</h1>
      <form role="search" onSubmit={submit} className="search">
        <label htmlFor="product-search">Search products</label>
        <input id="product-search" type="search" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit">Search</button>
      </form>
      <ProblemMessage problem={problem} />
      {data && (
        <>
          <p aria-live="polite">
            {data.count} {data.count === 1 ? "product" : "products"}
            {search && ` matching “${search}”`}
          </p>
          <ul className="cards">
            {data.results.map((product) => (
              <li key={product.id} className="card">
                <h2>
                  <Link to={`/products/${product.id}`}>{product.name}</Link>
                </h2>
                <p>{formatMoney(toCents(product.price), product.currency)}</p>
                <p className="muted">{product.available > 0 ? `${product.available} in stock` : "Sold out"}</p>
              </li>
            ))}
          </ul>
          <Pagination
            page={page}
            pageSize={PAGE_SIZE}
            count={data.count}
            onPage={(next) => setSearchParams({ ...(search ? { search } : {}), page: String(next) })}
          />
        </>
      )}
    </section>
  );
}
