import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useParams } from "react-router";
import { catalog } from "../api/client";
import { asProblem, fieldErrors, type Problem } from "../api/problems";
import { useSession } from "../auth/AuthContext";
import { isStaff } from "../auth/session";
import { ProblemMessage } from "../components/ProblemMessage";
import { TextField } from "../components/TextField";
import { useServiceData } from "../useServiceData";

/** Staff create a product (no id in the path) or change one, and count stock in or out. */
export function EditProduct() {
  const { productId } = useParams();
  const session = useSession();
  if (!isStaff(session)) {
    return <Navigate to="/log-in" replace />;
  }
  return productId ? <ExistingProduct productId={productId} /> : <ProductForm />;
}

function ExistingProduct({ productId }: { productId: string }) {
  const { data, problem } = useServiceData(
    () => catalog.GET("/products/{product_id}/", { params: { path: { product_id: productId } } }),
    productId,
  );
  return data ? <ProductForm product={data} /> : <ProblemMessage problem={problem} />;
}

interface ProductFields {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: string;
  currency: string;
}

function ProductForm({ product }: { product?: ProductFields }) {
  const navigate = useNavigate();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(form: FormData): Promise<{ id?: string; problem?: Problem }> {
    const fields = {
      name: String(form.get("name")),
      description: String(form.get("description")),
      price: String(form.get("price")),
      currency: String(form.get("currency")).toUpperCase(),
    };
    const { data, error, response } = product
      ? await catalog.PATCH("/products/{product_id}/", { params: { path: { product_id: product.id } }, body: fields })
      : await catalog.POST("/products/", { body: { ...fields, sku: String(form.get("sku")) } });
    if (!data) {
      return { problem: asProblem(error, response.status) };
    }
    const change = Number(form.get("stock_change") || 0);
    if (change !== 0) {
      const adjusted = await catalog.POST("/products/{product_id}/stock-adjustments/", {
        params: { path: { product_id: data.id } },
        body: { change },
      });
      if (!adjusted.response.ok) {
        return { problem: asProblem(adjusted.error, adjusted.response.status) };
      }
    }
    return { id: data.id };
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    const result = await save(new FormData(event.currentTarget));
    setBusy(false);
    setProblem(result.problem ?? null);
    if (result.id) {
      navigate(`/products/${result.id}`);
    }
  }

  const errors = problem ? fieldErrors(problem) : {};
  const title = product ? `Edit ${product.name}` : "New product";
  return (
    <section aria-labelledby="edit-title" className="narrow">
      <h1 id="edit-title">{title}</h1>
      <ProblemMessage problem={problem} />
      <form onSubmit={(event) => void submit(event)} noValidate>
        {!product && <TextField label="SKU" name="sku" required error={errors.sku} />}
        <TextField label="Name" name="name" defaultValue={product?.name} required error={errors.name} />
        <TextField label="Description" name="description" defaultValue={product?.description} error={errors.description} />
        <TextField label="Price" name="price" inputMode="decimal" defaultValue={product?.price} required error={errors.price} />
        <TextField
          label="Currency"
          name="currency"
          defaultValue={product?.currency ?? "EUR"}
          maxLength={3}
          required
          error={errors.currency}
        />
        <TextField label="Stock to count in (or out, negative)" name="stock_change" type="number" defaultValue="0" error={errors.change} />
        <button type="submit" disabled={busy}>
          Save
        </button>
      </form>
    </section>
  );
}
