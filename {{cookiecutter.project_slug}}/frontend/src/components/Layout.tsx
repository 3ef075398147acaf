import { NavLink, Outlet } from "react-router";
import { useAuth, useSession } from "../auth/AuthContext";
import { isStaff } from "../auth/session";
import { useCart } from "../CartContext";

export function Layout() {
  const auth = useAuth();
  const session = useSession();
  const { lines } = useCart();
  const items = lines.reduce((sum, line) => sum + line.quantity, 0);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <NavLink to="/" className="brand">
          Shop
        </NavLink>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/">Products</NavLink>
            </li>
            <li>
              <NavLink to="/cart">Cart ({items})</NavLink>
            </li>
            {session && (
              <>
                <li>
                  <NavLink to="/orders">My orders</NavLink>
                </li>
                <li>
                  <NavLink to="/notifications">Notifications</NavLink>
                </li>
              </>
            )}
            {isStaff(session) && (
              <li>
                <NavLink to="/products/new">New product</NavLink>
              </li>
            )}
            {session ? (
              <li>
                <button type="button" className="link" onClick={() => void auth.signOut()}>
                  Sign out ({session.email})
                </button>
              </li>
            ) : (
              <>
                <li>
                  <NavLink to="/log-in">Log in</NavLink>
                </li>
                <li>
                  <NavLink to="/sign-up">Sign up</NavLink>
                </li>
              </>
            )}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
