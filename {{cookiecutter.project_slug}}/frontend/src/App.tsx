import { Route, Routes } from "react-router";
import { CALLBACK_PATH } from "./auth/provider";
import { Layout } from "./components/Layout";
import { Cart } from "./pages/Cart";
import { EditProduct } from "./pages/EditProduct";
import { LogIn } from "./pages/LogIn";
import { Notifications } from "./pages/Notifications";
import { Orders } from "./pages/Orders";
import { Product } from "./pages/Product";
import { Products } from "./pages/Products";
import { RequireSignIn } from "./pages/RequireSignIn";
import { SignedIn } from "./pages/SignedIn";

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<Products />} />
        <Route path="products/new" element={<EditProduct />} />
        <Route path="products/:productId" element={<Product />} />
        <Route path="products/:productId/edit" element={<EditProduct />} />
        <Route path="cart" element={<Cart />} />
        <Route path="orders" element={<RequireSignIn><Orders /></RequireSignIn>} />
        <Route path="notifications" element={<RequireSignIn><Notifications /></RequireSignIn>} />
        <Route path="log-in" element={<LogIn />} />
        <Route path="sign-up" element={<LogIn register />} />
        <Route path={CALLBACK_PATH.slice(1)} element={<SignedIn />} />
        <Route path="*" element={<p role="alert">There is no page here.</p>} />
      </Route>
    </Routes>
  );
}
