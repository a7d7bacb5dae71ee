//! Reads an item of the Items API as JSON (from the file given as argument, or a
//! built-in sample), validates it against the generated models, and prints it back.

use items_models::api::{ItemCreate, ItemCreateMascot, Status};

const SAMPLE: &str = r#"{
  "name": "Desk lamp",
  "price": 39.5,
  "tags": ["lighting"],
  "dimensions": {"width": 20, "height": 45},
  "mascot": {"pet_type": "cat", "meows": 3},
  "attributes": {"watts": 9}
}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let json = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => SAMPLE.to_owned(),
    };
    let item: ItemCreate = serde_json::from_str(&json)?;
    let mascot = match &item.mascot {
        ItemCreateMascot::Cat(cat) => format!("a cat that meows {} times", cat.meows),
        ItemCreateMascot::Dog(dog) => format!("a dog that barks {} times", dog.barks),
    };
    println!(
        "{} costs {} (status {:?}{}), mascot: {mascot}",
        item.name,
        item.price,
        item.status,
        if item.status == Status::Draft {
            ", the default"
        } else {
            ""
        },
    );
    println!("{}", serde_json::to_string_pretty(&item)?);
    Ok(())
}
